package dev.trellis.deploy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The manifest check HelmChartTest relies on rejects what an API server would. */
class KubernetesManifestsTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: demo-trellis-scheduler
            spec:
              %s
              selector:
                matchLabels: {app: scheduler}
              template:
                metadata:
                  labels: {app: scheduler}
                spec:
                  containers:
                    - name: scheduler
                      image: trellis/scheduler-service:0.1.0
                      %s
            """;

    @Test
    void aWellFormedDeploymentParsesIntoItsApiType() {
        KubernetesManifests manifests = KubernetesManifests.parse(DEPLOYMENT.formatted("replicas: 1", "imagePullPolicy: IfNotPresent"));

        assertThat(manifests.named(Deployment.class, "demo-trellis-scheduler").getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void aMisspelledFieldIsRejected() {
        assertThatThrownBy(() -> KubernetesManifests.parse(DEPLOYMENT.formatted("replicas: 1", "imagePullPolcy: IfNotPresent")))
                .hasMessageContaining("demo-trellis-scheduler is not a valid Deployment")
                .hasMessageContaining("imagePullPolcy");
    }

    @Test
    void aValueOfTheWrongTypeIsRejected() {
        assertThatThrownBy(() -> KubernetesManifests.parse(DEPLOYMENT.formatted("replicas: [1]", "imagePullPolicy: IfNotPresent")))
                .hasMessageContaining("is not a valid Deployment");
    }

    @Test
    void anUnknownKindOrAnInvalidNameIsRejected() {
        assertThatThrownBy(() -> KubernetesManifests.parse("apiVersion: apps/v1\nkind: Deplyment\nmetadata: {name: x}\n"))
                .hasMessageContaining("unexpected kind apps/v1/Deplyment");
        assertThatThrownBy(() -> KubernetesManifests.parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Local_Threads}\n"))
                .hasMessageContaining("invalid name 'Local_Threads'");
    }
}
