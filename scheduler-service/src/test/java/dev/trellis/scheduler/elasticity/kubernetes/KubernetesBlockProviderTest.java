package dev.trellis.scheduler.elasticity.kubernetes;

import dev.trellis.scheduler.SchedulerProperties;
import dev.trellis.scheduler.elasticity.BlockHandle;
import dev.trellis.scheduler.elasticity.BlockLaunch;
import dev.trellis.scheduler.elasticity.BlockProviderException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Blocks as pods, against fabric8's mock API server keeping pods as a real one would (CRUD mode). */
class KubernetesBlockProviderTest {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final String NAMESPACE = "workflows";

    private KubernetesMockServer server;
    private KubernetesClient client;
    private KubernetesBlockProvider provider;

    @BeforeEach
    void startApiServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        provider = provider(client, settings(NAMESPACE));
    }

    @AfterEach
    void stopApiServer() {
        client.close();
        server.destroy();
    }

    @Test
    void startCreatesOneNeverRestartingWorkerPodNamedAfterTheBlock() {
        provider.start(new BlockLaunch("pilot", "pilot-3f2a9c1e", 2, "threads"));

        Pod pod = pod("pilot-3f2a9c1e");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "trellis-worker")
                .containsEntry("trellis.dev/site", "pilot").containsEntry("trellis.dev/block-id", "pilot-3f2a9c1e")
                .containsEntry("app.kubernetes.io/instance", "demo");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("trellis.dev/block-id", "pilot-3f2a9c1e");
        PodSpec spec = pod.getSpec();
        assertThat(spec.getRestartPolicy()).isEqualTo("Never");
        assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(spec.getServiceAccountName()).isEqualTo("trellis-worker");
        assertThat(spec.getSecurityContext().getFsGroup()).isEqualTo(10001L);
        assertThat(spec.getVolumes()).anySatisfy(volume -> {
            assertThat(volume.getName()).isEqualTo("data");
            assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("trellis-data");
        });
        Container worker = spec.getContainers().get(0);
        assertThat(worker.getImage()).isEqualTo("registry.example.com/trellis/worker-service:0.1.0");
        assertThat(worker.getImagePullPolicy()).isEqualTo("Always");
        assertThat(env(worker)).containsEntry("TRELLIS_WORKER_SITE", "pilot").containsEntry("TRELLIS_WORKER_SLOTS", "2")
                .containsEntry("TRELLIS_WORKER_BLOCKID", "pilot-3f2a9c1e").containsEntry("TRELLIS_WORKER_DATAROOT", "/data")
                .containsEntry("SPRING_KAFKA_BOOTSTRAPSERVERS", "kafka-0.kafka:9092,kafka-1.kafka:9092")
                .containsEntry("JAVA_OPTS", "-XX:MaxRAMPercentage=50.0");
        assertThat(worker.getEnv()).anySatisfy(secret -> {
            assertThat(secret.getName()).isEqualTo("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG");
            assertThat(secret.getValueFrom().getSecretKeyRef().getName()).isEqualTo("trellis-kafka");
            assertThat(secret.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("jaas");
        });
        assertThat(worker.getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getName()).isEqualTo("data");
            assertThat(mount.getMountPath()).isEqualTo("/data");
        });
        assertThat(worker.getResources().getRequests()).containsEntry("cpu", new Quantity("500m"));
        assertThat(worker.getResources().getLimits()).containsEntry("memory", new Quantity("1Gi"));
    }

    @Test
    void theBlocksOwnSettingsWinOverExtraEnvironmentOfTheSameName() {
        SchedulerProperties.Kubernetes overriding = minimalSettings(Map.of("TRELLIS_WORKER_SITE", "elsewhere"), Map.of(), Map.of());

        provider(client, overriding).start(new BlockLaunch("pilot", "pilot-1", 2, "threads"));

        List<EnvVar> env = pod("pilot-1").getSpec().getContainers().get(0).getEnv();
        assertThat(env.stream().filter(e -> e.getName().equals("TRELLIS_WORKER_SITE")).reduce((first, last) -> last))
                .hasValueSatisfying(last -> assertThat(last.getValue()).isEqualTo("pilot"));
        assertThat(pod("pilot-1").getSpec().getAutomountServiceAccountToken()).as("no service account, no token").isFalse();
        assertThat(pod("pilot-1").getSpec().getVolumes()).as("no data claim, no volume").isEmpty();
    }

    @Test
    void withoutANamespaceBlocksGoToTheClientsNamespace() {
        KubernetesBlockProvider inClientNamespace = provider(client, settings(null));

        inClientNamespace.start(new BlockLaunch("pilot", "pilot-1", 2, "threads"));

        assertThat(inClientNamespace.namespace()).isEqualTo(client.getNamespace());
        assertThat(client.pods().inNamespace(client.getNamespace()).withName("pilot-1").get()).isNotNull();
    }

    @Test
    void stopDeletesExactlyThatBlocksPod() {
        provider.start(new BlockLaunch("pilot", "pilot-1", 2, "threads"));
        provider.start(new BlockLaunch("pilot", "pilot-2", 2, "threads"));
        provider.start(new BlockLaunch("gpu", "gpu-1", 1, "threads"));

        provider.stop(new BlockHandle("pilot", "pilot-1", "10.0.0.7", 1));

        assertThat(podNames()).containsExactlyInAnyOrder("pilot-2", "gpu-1");
    }

    @Test
    void stoppingABlockThatIsGoneOrUnknownIsFine() {
        provider.start(new BlockLaunch("pilot", "pilot-1", 2, "threads"));
        provider.stop(new BlockHandle("pilot", "pilot-1", null, 0));

        assertThatCode(() -> provider.stop(new BlockHandle("pilot", "pilot-1", null, 0))).doesNotThrowAnyException();
        assertThatCode(() -> provider.stop(new BlockHandle("pilot", "never-started", null, 0))).doesNotThrowAnyException();
        assertThat(podNames()).isEmpty();
    }

    @Test
    void existingBlocksAreTheLivePodsOfThatSiteByTheirExactIds() {
        provider.start(new BlockLaunch("pilot", "pilot-Running", 2, "threads"));
        provider.start(new BlockLaunch("pilot", "pilot-pending", 2, "threads"));
        provider.start(new BlockLaunch("pilot", "pilot-succeeded", 2, "threads"));
        provider.start(new BlockLaunch("pilot", "pilot-failed", 2, "threads"));
        provider.start(new BlockLaunch("gpu", "gpu-1", 1, "threads"));
        // A site whose name is no valid label value.
        provider.start(new BlockLaunch("Pilot", "Pilot-1", 2, "threads"));
        phase("pilot-Running", "Running");
        phase("pilot-succeeded", "Succeeded");
        phase("pilot-failed", "Failed");

        assertThat(provider.existingBlocks("pilot")).containsExactlyInAnyOrder("pilot-Running", "pilot-pending");
        assertThat(provider.existingBlocks("gpu")).containsExactly("gpu-1");
        assertThat(provider.existingBlocks("Pilot")).containsExactly("Pilot-1");
        assertThat(provider.existingBlocks("cpu")).isEmpty();
    }

    @Test
    void podsOfAnotherSchedulerWithOtherExtraLabelsAreNotThisSchedulersBlocks() {
        KubernetesBlockProvider otherRelease = provider(client, minimalSettings(Map.of(), Map.of(), Map.of("app.kubernetes.io/instance", "other")));
        otherRelease.start(new BlockLaunch("pilot", "pilot-other", 2, "threads"));
        provider.start(new BlockLaunch("pilot", "pilot-mine", 2, "threads"));

        assertThat(provider.existingBlocks("pilot")).containsExactly("pilot-mine");
    }

    @Test
    void blockIdsThatAreNoDnsLabelsGiveValidDistinctPodNames() {
        String longId = "pilot-" + "x".repeat(80);
        List<String> ids = List.of("Pilot_Block_1", "pilot-block-1", "pilot.block.1", longId, longId + "y", "__", "-pilot-");

        ids.forEach(id -> provider.start(new BlockLaunch("pilot", id, 2, "threads")));

        List<String> names = podNames();
        assertThat(names).hasSize(ids.size()).doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(name).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(63));
        assertThat(names).contains("pilot-block-1").anyMatch(name -> name.startsWith("pilot-block-1-"));
        assertThat(provider.existingBlocks("pilot")).containsExactlyInAnyOrderElementsOf(ids);

        provider.stop(new BlockHandle("pilot", "Pilot_Block_1", null, 0));
        provider.stop(new BlockHandle("pilot", longId, null, 0));
        assertThat(provider.existingBlocks("pilot")).containsExactlyInAnyOrder("pilot-block-1", "pilot.block.1", longId + "y", "__", "-pilot-");
    }

    @Test
    void aRefusedCreateSurfacesTheApiServersMessage() {
        KubernetesMockServer refusing = new KubernetesMockServer(false);
        refusing.init();
        refusing.expect().post().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods")
                .andReturn(403, new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
                        .withMessage("pods is forbidden: User \"system:serviceaccount:workflows:trellis\" cannot create resource \"pods\"")
                        .build())
                .once();
        try (KubernetesClient refusingClient = refusing.createClient()) {
            KubernetesBlockProvider refused = provider(refusingClient, settings(NAMESPACE));

            assertThatThrownBy(() -> refused.start(new BlockLaunch("pilot", "pilot-1", 2, "threads")))
                    .isInstanceOf(BlockProviderException.class)
                    .hasMessageContaining("site pilot")
                    .hasMessageContaining("pilot-1")
                    .hasMessageContaining("pods is forbidden: User \"system:serviceaccount:workflows:trellis\" cannot create resource \"pods\"");
        } finally {
            refusing.destroy();
        }
    }

    @Test
    void aSecretReferenceWithoutAKeyIsRejectedBeforeAnyBlockStarts() {
        SchedulerProperties.Kubernetes withoutKey = minimalSettings(Map.of(), Map.of("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "trellis-kafka"), Map.of());

        assertThatThrownBy(() -> new BlockPodTemplate(withoutKey, "localhost:9092"))
                .hasMessageContaining("trellis.scheduler.kubernetes.secret-env.SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG must be secret-name/key");
    }

    private static KubernetesBlockProvider provider(KubernetesClient client, SchedulerProperties.Kubernetes settings) {
        return new KubernetesBlockProvider(client, new BlockPodTemplate(settings, "localhost:9092"), settings.namespace());
    }

    private static SchedulerProperties.Kubernetes settings(String namespace) {
        return new SchedulerProperties.Kubernetes("registry.example.com/trellis/worker-service:0.1.0", "Always", namespace,
                "trellis-worker", "kafka-0.kafka:9092,kafka-1.kafka:9092", "trellis-data", "/data", null, 10001L, 30,
                new SchedulerProperties.Kubernetes.Resources(Map.of("cpu", "500m", "memory", "1Gi"), Map.of("memory", "1Gi")),
                Map.of("JAVA_OPTS", "-XX:MaxRAMPercentage=50.0"), Map.of("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "trellis-kafka/jaas"),
                Map.of("app.kubernetes.io/instance", "demo"));
    }

    /** Only what is required, and the maps under test. */
    private static SchedulerProperties.Kubernetes minimalSettings(Map<String, String> env, Map<String, String> secretEnv,
                                                                  Map<String, String> labels) {
        return new SchedulerProperties.Kubernetes("trellis/worker-service:0.1.0", "IfNotPresent", NAMESPACE, null, null, null,
                "/data", null, null, 30, new SchedulerProperties.Kubernetes.Resources(null, null), env, secretEnv, labels);
    }

    private Pod pod(String name) {
        Pod pod = client.pods().inNamespace(NAMESPACE).withName(name).get();
        assertThat(pod).as("pod %s in %s", name, NAMESPACE).isNotNull();
        return pod;
    }

    private List<String> podNames() {
        return client.pods().inAnyNamespace().list().getItems().stream().map(pod -> pod.getMetadata().getName()).toList();
    }

    private void phase(String blockId, String phase) {
        Pod pod = pod(BlockPodTemplate.podName(blockId));
        pod.setStatus(new PodStatusBuilder().withPhase(phase).build());
        client.pods().inNamespace(NAMESPACE).resource(pod).updateStatus();
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (first, last) -> last));
    }
}
