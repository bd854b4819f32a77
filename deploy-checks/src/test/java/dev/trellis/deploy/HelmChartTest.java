package dev.trellis.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.trellis.scheduler.SchedulerProperties;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/** The Helm chart lints, renders valid Kubernetes objects with default and non-default values, and its schema rejects bad values. */
class HelmChartTest {

    private static final String RELEASE = "demo";
    private static final String PREFIX = "demo-trellis-";
    private static final String NAMESPACE = "workflows";

    static KubernetesManifests defaults;
    static KubernetesManifests production;
    static KubernetesManifests kubernetesProvider;

    @BeforeAll
    static void render() throws URISyntaxException {
        defaults = KubernetesManifests.parse(template(command -> { }));
        Path productionValues = Path.of(HelmChartTest.class.getResource("/helm/production-values.yaml").toURI());
        production = KubernetesManifests.parse(template(command -> command.withValuesFile(productionValues)));
        Path kubernetesProviderValues = Path.of(HelmChartTest.class.getResource("/helm/kubernetes-provider-values.yaml").toURI());
        kubernetesProvider = KubernetesManifests.parse(template(command -> command.withValuesFile(kubernetesProviderValues)));
    }

    @Test
    void chartPassesStrictLint() {
        LintResult lint = new Helm(DeployFiles.CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).allMatch(message -> message.startsWith("[INFO]"));
    }

    @Test
    void defaultValuesRenderTheServicesAndOneWorkerDeploymentPerSeedSite() {
        assertThat(defaults.names(Deployment.class)).containsExactlyInAnyOrder(
                PREFIX + "scheduler", PREFIX + "checkpoint", PREFIX + "worker-threads", PREFIX + "worker-pilot");
        assertThat(env(workerContainer(defaults, "threads"))).containsEntry("TRELLIS_WORKER_SITE", "threads").containsEntry("TRELLIS_WORKER_SLOTS", "4");
        assertThat(env(workerContainer(defaults, "pilot"))).containsEntry("TRELLIS_WORKER_SITE", "pilot").containsEntry("TRELLIS_WORKER_SLOTS", "2");
        assertThat(applicationYml(defaults, "scheduler")).extracting("trellis").extracting("scheduler").extracting("sites").isEqualTo(List.of(
                Map.of("name", "threads", "executor", "threads", "slots-per-block", 4),
                Map.of("name", "pilot", "executor", "threads", "slots-per-block", 2)));
        assertThat(defaults.custom("ScaledObject")).as("KEDA is off by default").isEmpty();
        assertThat(defaults.custom("ServiceMonitor")).isEmpty();
        assertThat(defaults.custom("PrometheusRule")).isEmpty();
    }

    @Test
    void everyPodRunsAsNonRootWithProbesOnSpringBootsHealthGroups() {
        for (KubernetesManifests manifests : List.of(defaults, production, kubernetesProvider)) {
            for (Deployment deployment : manifests.all(Deployment.class)) {
                PodSpec pod = deployment.getSpec().getTemplate().getSpec();
                Container container = pod.getContainers().get(0);
                assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(deployment.getMetadata().getName()).isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
                assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
                assertThat(container.getStartupProbe()).isNotNull();
                assertThat(env(container).get("JAVA_OPTS")).contains("-XX:MaxRAMPercentage=");
            }
        }
    }

    @Test
    void schedulerAndEveryBlockMountTheSameWorkflowDataClaimAtTheirDataRoot() {
        PersistentVolumeClaim claim = defaults.named(PersistentVolumeClaim.class, PREFIX + "data");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");

        for (String deployment : List.of("scheduler", "worker-threads", "worker-pilot")) {
            PodSpec pod = defaults.named(Deployment.class, PREFIX + deployment).getSpec().getTemplate().getSpec();
            Volume data = pod.getVolumes().stream().filter(v -> v.getName().equals("data")).findFirst().orElseThrow();
            assertThat(data.getPersistentVolumeClaim().getClaimName()).as(deployment).isEqualTo(PREFIX + "data");
            assertThat(pod.getContainers().get(0).getVolumeMounts()).anyMatch(m -> m.getName().equals("data") && m.getMountPath().equals("/data"));
        }
        assertThat(applicationYml(defaults, "scheduler")).extracting("trellis").extracting("scheduler").extracting("data-root").isEqualTo("/data");
        assertThat(applicationYml(defaults, "worker")).extracting("trellis").extracting("worker").extracting("data-root").isEqualTo("/data");
    }

    @Test
    void dashboardConfigMapCarriesTheRepositorysDashboardForGrafanasSidecar() throws IOException {
        ConfigMap dashboard = defaults.named(ConfigMap.class, PREFIX + "dashboard");

        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(JsonMapper.shared().readTree(dashboard.getData().get("trellis-dashboard.json")))
                .isEqualTo(JsonMapper.shared().readTree(Files.readString(DeployFiles.DASHBOARD)));
        assertThat(production.names(ConfigMap.class)).doesNotContain(PREFIX + "dashboard");
    }

    @Test
    void elasticSitesGetAKedaScaledObjectOnTheSchedulersDesiredBlocks() {
        List<JsonNode> scaledObjects = production.custom("ScaledObject");

        // threads has minBlocks = maxBlocks: a fixed site, no autoscaling.
        assertThat(scaledObjects).extracting(s -> s.path("metadata").path("name").asString(""))
                .containsExactlyInAnyOrder(PREFIX + "worker-pilot", PREFIX + "worker-gpu");
        for (JsonNode scaledObject : scaledObjects) {
            String deployment = scaledObject.path("spec").path("scaleTargetRef").path("name").asString("");
            String site = deployment.substring((PREFIX + "worker-").length());
            assertThat(production.named(Deployment.class, deployment).getSpec().getReplicas())
                    .as("KEDA owns the replicas of %s", deployment).isNull();
            JsonNode trigger = scaledObject.path("spec").path("triggers").get(0);
            assertThat(trigger.path("type").asString("")).isEqualTo("metrics-api");
            assertThat(trigger.path("metadata").path("url").asString(""))
                    .isEqualTo("http://" + PREFIX + "scheduler:8080/api/sites/" + site + "/desired-blocks");
        }
        assertThat(production.custom("ScaledObject").get(0).path("spec").path("maxReplicaCount").asInt()).isEqualTo(10);
        assertThat(production.named(Deployment.class, PREFIX + "worker-threads").getSpec().getReplicas()).isEqualTo(2);
        assertThat(production.named(Service.class, PREFIX + "scheduler").getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
    }

    @Test
    void aKubernetesSiteHasNoWorkerDeploymentOrScaledObjectButAServiceOverTheSchedulersBlockPods() {
        assertThat(kubernetesProvider.names(Deployment.class)).containsExactlyInAnyOrder(
                PREFIX + "scheduler", PREFIX + "checkpoint", PREFIX + "worker-threads");
        assertThat(kubernetesProvider.custom("ScaledObject")).as("the scheduler scales pilot itself").isEmpty();
        assertThat(kubernetesProvider.named(Service.class, PREFIX + "worker-pilot").getSpec().getSelector()).isEqualTo(Map.of(
                "app.kubernetes.io/name", "trellis-worker", "app.kubernetes.io/instance", RELEASE, "trellis.dev/site", "pilot"));
    }

    @Test
    void onlyAKubernetesSiteGivesTheSchedulerARoleToCreateListAndDeletePods() {
        Role role = kubernetesProvider.named(Role.class, PREFIX + "block-provider");
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("pods");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("create", "delete", "get", "list", "watch");
        });
        RoleBinding binding = kubernetesProvider.named(RoleBinding.class, PREFIX + "block-provider");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getName()).isEqualTo(kubernetesProvider.named(Deployment.class, PREFIX + "scheduler")
                    .getSpec().getTemplate().getSpec().getServiceAccountName());
            assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
        });
        assertThat(defaults.all(Role.class)).as("no kubernetes site, no rights over pods").isEmpty();
    }

    @Test
    void theSchedulerConfigBindsToAKubernetesSiteAndBlockPodsLikeTheChartsWorkers() {
        SchedulerProperties scheduler = schedulerProperties(kubernetesProvider);

        assertThat(scheduler.sites()).extracting(SchedulerProperties.Site::name).containsExactly("threads", "pilot");
        assertThat(scheduler.sites().get(0).blocks()).isNull();
        SchedulerProperties.Blocks pilot = scheduler.sites().get(1).blocks();
        assertThat(pilot.provider()).isEqualTo("kubernetes");
        assertThat(List.of(pilot.initBlocks(), pilot.minBlocks(), pilot.maxBlocks())).containsExactly(1, 0, 8);

        SchedulerProperties.Kubernetes pods = scheduler.kubernetes();
        assertThat(pods.image()).isEqualTo("registry.example.com/trellis/worker-service:0.1.0-rc1");
        assertThat(pods.namespace()).isEqualTo(NAMESPACE);
        assertThat(pods.serviceAccount()).isEqualTo("trellis-worker");
        assertThat(pods.dataClaim()).isEqualTo(PREFIX + "data");
        assertThat(pods.dataRoot()).isEqualTo("/data");
        assertThat(pods.configMap()).isEqualTo(PREFIX + "worker");
        assertThat(pods.fsGroup()).isEqualTo(10001L);
        assertThat(pods.terminationGracePeriodSeconds()).isEqualTo(90);
        assertThat(pods.resources().limits()).containsEntry("memory", "1Gi");
        assertThat(pods.env()).isEqualTo(Map.of("JAVA_OPTS", "-XX:MaxRAMPercentage=40.0"));
        assertThat(pods.secretEnv()).isEqualTo(Map.of("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "trellis-kafka/jaas"));
        assertThat(pods.labels()).isEqualTo(Map.of("app.kubernetes.io/instance", RELEASE));

        assertThat(schedulerProperties(defaults).sites()).allSatisfy(site -> assertThat(site.blocks()).isNull());
        assertThat(applicationYml(defaults, "scheduler")).extracting("trellis").extracting("scheduler").asInstanceOf(MAP)
                .doesNotContainKey("kubernetes");
    }

    @Test
    void aKubernetesSiteWithResourcesOfItsOwnIsRefusedRatherThanIgnored() {
        assertThatThrownBy(() -> template(command -> command.set("sites[0].name", "pilot").set("sites[0].provider", "kubernetes")
                .set("sites[0].slotsPerBlock", 2).set("sites[0].initBlocks", 0).set("sites[0].minBlocks", 0).set("sites[0].maxBlocks", 4)
                .set("sites[0].resources.limits.memory", "2Gi")))
                .hasMessageContaining("site pilot: blocks of a kubernetes site take worker.resources");
    }

    @Test
    void valuesSchemaRejectsAnUnknownProvider() {
        assertThatThrownBy(() -> template(command -> command.set("sites[0].name", "pilot").set("sites[0].provider", "slurm")
                .set("sites[0].slotsPerBlock", 2).set("sites[0].initBlocks", 0).set("sites[0].minBlocks", 0).set("sites[0].maxBlocks", 4)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/sites/0/provider");
    }

    @Test
    void productionValuesUseTheUsersSecretsClaimImagesAndKafkaSettings() {
        assertThat(production.all(Secret.class)).as("no Secret of the chart's own").isEmpty();
        assertThat(production.all(PersistentVolumeClaim.class)).as("the user's claim").isEmpty();
        assertThat(production.all(Role.class)).as("rbac.create=false").isEmpty();

        Deployment scheduler = production.named(Deployment.class, PREFIX + "scheduler");
        Container container = scheduler.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example.com/trellis/scheduler-service:0.1.0-rc1");
        assertThat(scheduler.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("trellis-scheduler");
        assertThat(scheduler.getSpec().getTemplate().getSpec().getImagePullSecrets()).extracting("name").containsExactly("registry-credentials");
        assertThat(secretRef(container, "SPRING_DATASOURCE_PASSWORD")).isEqualTo("trellis-database/pg-password");
        assertThat(secretRef(container, "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG")).isEqualTo("trellis-kafka/jaas");
        assertThat(scheduler.getSpec().getTemplate().getSpec().getVolumes())
                .anyMatch(v -> v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName().equals("trellis-shared-data"));

        Map<String, Object> config = applicationYml(production, "scheduler");
        assertThat(config).extracting("spring").extracting("datasource").extracting("url")
                .isEqualTo("jdbc:postgresql://db.example.internal:6432/scheduler_service?sslmode=require");
        assertThat(config).extracting("spring").extracting("kafka").extracting("properties")
                .isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(config).extracting("trellis").extracting("scheduler").extracting("dispatch").extracting("worker-timeout").isEqualTo("30s");

        Container gpuBlock = workerContainer(production, "gpu");
        assertThat(gpuBlock.getResources().getLimits()).containsKey("nvidia.com/gpu");
        assertThat(production.named(Deployment.class, PREFIX + "worker-gpu").getSpec().getTemplate().getSpec().getNodeSelector())
                .containsEntry("accelerator", "nvidia");
    }

    @Test
    void serviceMonitorScrapesEveryTrellisServiceOnItsPrometheusEndpoint() {
        JsonNode monitor = production.custom("ServiceMonitor").get(0);
        Map<String, Object> selector = JsonMapper.shared().convertValue(monitor.path("spec").path("selector").path("matchLabels"), Map.class);

        assertThat(production.all(Service.class)).hasSize(5).allSatisfy(service -> {
            assertThat(service.getMetadata().getLabels()).as(service.getMetadata().getName()).containsAllEntriesOf(asStrings(selector));
            assertThat(service.getSpec().getPorts()).anyMatch(port -> port.getName().equals("http"));
        });
        assertThat(monitor.path("spec").path("endpoints").get(0).path("path").asString("")).isEqualTo("/actuator/prometheus");
        assertThat(monitor.path("metadata").path("labels").path("release").asString("")).isEqualTo("kube-prometheus-stack");
    }

    @Test
    void prometheusRuleCarriesTheRepositorysAlertRules() throws IOException {
        JsonNode rule = production.custom("PrometheusRule").get(0);
        Map<String, Object> rules = new Yaml().load(Files.readString(DeployFiles.ALERT_RULES));

        assertThat(rule.path("spec").path("groups")).isEqualTo(JsonMapper.shared().valueToTree(rules.get("groups")));
    }

    @Test
    void valuesSchemaRejectsASiteNameThatIsNoDnsLabel() {
        // --set replaces the whole list: the site is given in full, only its name is wrong (Parsl's style).
        assertThatThrownBy(() -> template(command -> command.set("sites[0].name", "Local_Threads").set("sites[0].slotsPerBlock", 4)
                .set("sites[0].initBlocks", 1).set("sites[0].minBlocks", 1).set("sites[0].maxBlocks", 1)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/sites/0/name");
    }

    @Test
    void valuesSchemaRejectsAMisspelledKey() {
        assertThatThrownBy(() -> template(command -> command.set("kafak.bootstrapServers", "kafka:9092")))
                .hasMessageContaining("kafak");
    }

    private static String template(Consumer<TemplateCommand> values) {
        TemplateCommand command = new Helm(DeployFiles.CHART).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion("1.30.0");
        values.accept(command);
        return command.call();
    }

    private static Container workerContainer(KubernetesManifests manifests, String site) {
        return manifests.named(Deployment.class, PREFIX + "worker-" + site).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private static String secretRef(Container container, String variable) {
        EnvVar env = container.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst()
                .orElseThrow(() -> new AssertionError(variable + " is not set"));
        SecretKeySelector ref = env.getValueFrom().getSecretKeyRef();
        return ref.getName() + "/" + ref.getKey();
    }

    private static Map<String, Object> applicationYml(KubernetesManifests manifests, String component) {
        return new Yaml().load(manifests.named(ConfigMap.class, PREFIX + component).getData().get("application.yml"));
    }

    /** The scheduler's application.yml bound as the scheduler binds it, bracketed map keys and all. */
    private static SchedulerProperties schedulerProperties(KubernetesManifests manifests) {
        String yaml = manifests.named(ConfigMap.class, PREFIX + "scheduler").getData().get("application.yml");
        try {
            List<PropertySource<?>> sources = new YamlPropertySourceLoader()
                    .load("application.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)));
            return new Binder(ConfigurationPropertySources.from(sources)).bindOrCreate("trellis.scheduler", SchedulerProperties.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> asStrings(Map<String, Object> map) {
        return map.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> Objects.toString(e.getValue())));
    }
}
