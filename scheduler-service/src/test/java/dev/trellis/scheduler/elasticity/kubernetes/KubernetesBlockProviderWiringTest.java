package dev.trellis.scheduler.elasticity.kubernetes;

import dev.trellis.scheduler.SchedulerProperties;
import dev.trellis.scheduler.elasticity.BlockLaunch;
import dev.trellis.scheduler.elasticity.BlockProvider;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import java.util.HashMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The provider is wired only for schedulers that have a kubernetes site, from their trellis.scheduler.kubernetes settings. */
class KubernetesBlockProviderWiringTest {

    private static KubernetesMockServer server;
    private static KubernetesClient client;

    private final ApplicationContextRunner scheduler = new ApplicationContextRunner()
            // A kubeconfig that does not exist: nothing may need one unless a site uses kubernetes.
            .withSystemProperties("kubeconfig=/nonexistent/kubeconfig")
            .withUserConfiguration(Settings.class, KubernetesBlockProviderConfiguration.class)
            .withPropertyValues("spring.kafka.bootstrap-servers=kafka:9092",
                    "trellis.scheduler.sites[0].name=threads",
                    "trellis.scheduler.sites[1].name=pilot",
                    "trellis.scheduler.sites[1].slots-per-block=2",
                    "trellis.scheduler.sites[1].blocks.max-blocks=4");

    @BeforeAll
    static void startApiServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterAll
    static void stopApiServer() {
        client.close();
        server.destroy();
    }

    @Test
    void aSchedulerWithoutKubernetesSitesHasNoProviderAndNoClient() {
        scheduler.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(KubernetesClient.class);
            assertThat(context).doesNotHaveBean(BlockProvider.class);
        });
    }

    @Test
    void aKubernetesSiteGetsTheProviderBuiltFromTheKubernetesSettings() {
        scheduler.withBean(KubernetesClient.class, () -> client, definition -> definition.setDestroyMethodName(""))
                .withPropertyValues("trellis.scheduler.sites[1].blocks.provider=kubernetes",
                        "trellis.scheduler.kubernetes.image=trellis/worker-service:0.1.0",
                        "trellis.scheduler.kubernetes.namespace=workflows",
                        "trellis.scheduler.kubernetes.data-claim=trellis-data",
                        "trellis.scheduler.kubernetes.env[JAVA_OPTS]=-XX:MaxRAMPercentage=50.0",
                        "trellis.scheduler.kubernetes.secret-env[SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG]=trellis-kafka/jaas",
                        "trellis.scheduler.kubernetes.labels[app.kubernetes.io/instance]=demo",
                        "trellis.scheduler.kubernetes.resources.limits.memory=1Gi")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BlockProvider provider = context.getBean(BlockProvider.class);
                    assertThat(provider.name()).isEqualTo("kubernetes");

                    provider.start(new BlockLaunch("pilot", "pilot-1", 2, "threads"));

                    Pod pod = client.pods().inNamespace("workflows").withName("pilot-1").get();
                    assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/instance", "demo");
                    Container worker = pod.getSpec().getContainers().get(0);
                    assertThat(worker.getImage()).isEqualTo("trellis/worker-service:0.1.0");
                    assertThat(worker.getImagePullPolicy()).isEqualTo("IfNotPresent");
                    assertThat(worker.getResources().getLimits()).containsKey("memory");
                    assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(90L);
                    assertThat(worker.getEnv()).extracting(EnvVar::getName).contains("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG");
                    assertThat(worker.getEnv().stream().filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue)))
                            .containsEntry("JAVA_OPTS", "-XX:MaxRAMPercentage=50.0")
                            .containsEntry("SPRING_KAFKA_BOOTSTRAPSERVERS", "kafka:9092");
                    assertThat(provider.existingBlocks("pilot")).containsExactly("pilot-1");
                });
    }

    @Test
    void aKubernetesSiteWithoutAWorkerImageFailsAtStartUpSayingWhichSettingIsMissing() {
        scheduler.withBean(KubernetesClient.class, () -> client, definition -> definition.setDestroyMethodName(""))
                .withPropertyValues("trellis.scheduler.sites[1].blocks.provider=kubernetes")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("trellis.scheduler.kubernetes.image"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({SchedulerProperties.class, KafkaProperties.class})
    static class Settings {
    }
}
