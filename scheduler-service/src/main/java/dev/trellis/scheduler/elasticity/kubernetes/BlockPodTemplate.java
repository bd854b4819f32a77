package dev.trellis.scheduler.elasticity.kubernetes;

import dev.trellis.scheduler.SchedulerProperties;
import dev.trellis.scheduler.elasticity.BlockLaunch;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pod of one block: a worker-service container told its site, slots and block id, which never
 * restarts (a block that ends is gone; the scheduler asks for another if it still wants one).
 */
final class BlockPodTemplate {

    static final String NAME_LABEL = "app.kubernetes.io/name";
    static final String WORKER = "trellis-worker";
    static final String SITE_LABEL = "trellis.dev/site";
    static final String BLOCK_ID_LABEL = "trellis.dev/block-id";
    /** Labels hold only sanitised names; the exact ones are kept in annotations. */
    static final String SITE_ANNOTATION = "trellis.dev/site";
    static final String BLOCK_ID_ANNOTATION = "trellis.dev/block-id";

    private static final int DNS_LABEL_LENGTH = 63;
    private static final int HASH_LENGTH = 8;
    private static final int WORKER_PORT = 8081;
    private static final String CONFIG_DIR = "/app/config";

    private final SchedulerProperties.Kubernetes settings;
    private final String kafkaBootstrapServers;

    BlockPodTemplate(SchedulerProperties.Kubernetes settings, String kafkaBootstrapServers) {
        if (settings.image() == null || settings.image().isBlank()) {
            throw new IllegalArgumentException("trellis.scheduler.kubernetes.image must name the worker-service image "
                    + "that blocks of kubernetes sites run");
        }
        settings.secretEnv().forEach((name, reference) -> {
            if (reference.indexOf('/') < 1 || reference.endsWith("/")) {
                throw new IllegalArgumentException("trellis.scheduler.kubernetes.secret-env." + name
                        + " must be secret-name/key, not '" + reference + "'");
            }
        });
        this.settings = settings;
        this.kafkaBootstrapServers = settings.kafkaBootstrapServers() == null || settings.kafkaBootstrapServers().isBlank()
                ? kafkaBootstrapServers : settings.kafkaBootstrapServers();
    }

    /**
     * A DNS-1123 label for a block id or site name: itself when already valid, else lower-cased with
     * invalid characters replaced, cut to fit, and ended with a hash of the exact value so that
     * different ids never share a name.
     */
    static String dnsLabel(String value) {
        String cleaned = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        if (cleaned.equals(value) && cleaned.length() <= DNS_LABEL_LENGTH) {
            return cleaned;
        }
        String body = cleaned.substring(0, Math.min(cleaned.length(), DNS_LABEL_LENGTH - HASH_LENGTH - 1)).replaceAll("-+$", "");
        return (body.isEmpty() ? "trellis" : body) + "-" + sha256(value).substring(0, HASH_LENGTH);
    }

    static String podName(String blockId) {
        return dnsLabel(blockId);
    }

    /** The labels every block pod of the site carries: what {@code existingBlocks} selects on. */
    Map<String, String> siteSelector(String site) {
        Map<String, String> labels = new LinkedHashMap<>(new TreeMap<>(settings.labels()));
        labels.put(NAME_LABEL, WORKER);
        labels.put(SITE_LABEL, dnsLabel(site));
        return labels;
    }

    Pod podFor(BlockLaunch launch) {
        String name = podName(launch.blockId());
        Map<String, String> labels = siteSelector(launch.site());
        labels.put(BLOCK_ID_LABEL, name);
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .withAnnotations(Map.of(SITE_ANNOTATION, launch.site(), BLOCK_ID_ANNOTATION, launch.blockId()))
                .endMetadata()
                .withSpec(podSpec(launch))
                .build();
    }

    private PodSpec podSpec(BlockLaunch launch) {
        PodSpecBuilder spec = new PodSpecBuilder()
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds(settings.terminationGracePeriodSeconds())
                .withContainers(container(launch))
                .withVolumes(volumes());
        if (settings.serviceAccount() != null && !settings.serviceAccount().isBlank()) {
            spec.withServiceAccountName(settings.serviceAccount());
        } else {
            // A block never calls the Kubernetes API: no token for the namespace's default account.
            spec.withAutomountServiceAccountToken(false);
        }
        if (settings.fsGroup() != null) {
            spec.withNewSecurityContext().withFsGroup(settings.fsGroup()).endSecurityContext();
        }
        return spec.build();
    }

    private Container container(BlockLaunch launch) {
        return new ContainerBuilder()
                .withName("worker")
                .withImage(settings.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                .withEnv(env(launch))
                .addNewPort().withName("http").withContainerPort(WORKER_PORT).endPort()
                .withNewResources()
                .withRequests(quantities(settings.resources().requests()))
                .withLimits(quantities(settings.resources().limits()))
                .endResources()
                .withVolumeMounts(volumeMounts())
                .build();
    }

    /** The user's extra variables first: the block's identity, set after them, always wins. */
    private List<EnvVar> env(BlockLaunch launch) {
        List<EnvVar> env = new ArrayList<>();
        new TreeMap<>(settings.env()).forEach((name, value) -> env.add(new EnvVar(name, value, null)));
        new TreeMap<>(settings.secretEnv()).forEach((name, reference) -> {
            int slash = reference.indexOf('/');
            env.add(new EnvVarBuilder().withName(name).withNewValueFrom()
                    .withNewSecretKeyRef().withName(reference.substring(0, slash)).withKey(reference.substring(slash + 1)).endSecretKeyRef()
                    .endValueFrom().build());
        });
        env.add(new EnvVar("TRELLIS_WORKER_SITE", launch.site(), null));
        env.add(new EnvVar("TRELLIS_WORKER_SLOTS", Integer.toString(launch.slots()), null));
        env.add(new EnvVar("TRELLIS_WORKER_BLOCKID", launch.blockId(), null));
        env.add(new EnvVar("TRELLIS_WORKER_DATAROOT", settings.dataRoot(), null));
        env.add(new EnvVar("SPRING_KAFKA_BOOTSTRAPSERVERS", kafkaBootstrapServers, null));
        return env;
    }

    private List<VolumeMount> volumeMounts() {
        List<VolumeMount> mounts = new ArrayList<>();
        if (settings.dataClaim() != null && !settings.dataClaim().isBlank()) {
            mounts.add(new VolumeMountBuilder().withName("data").withMountPath(settings.dataRoot()).build());
        }
        if (settings.configMap() != null && !settings.configMap().isBlank()) {
            mounts.add(new VolumeMountBuilder().withName("config").withMountPath(CONFIG_DIR).withReadOnly(true).build());
        }
        return mounts;
    }

    private List<Volume> volumes() {
        List<Volume> volumes = new ArrayList<>();
        if (settings.dataClaim() != null && !settings.dataClaim().isBlank()) {
            volumes.add(new VolumeBuilder().withName("data")
                    .withNewPersistentVolumeClaim().withClaimName(settings.dataClaim()).endPersistentVolumeClaim().build());
        }
        if (settings.configMap() != null && !settings.configMap().isBlank()) {
            volumes.add(new VolumeBuilder().withName("config")
                    .withNewConfigMap().withName(settings.configMap()).endConfigMap().build());
        }
        return volumes;
    }

    private static Map<String, Quantity> quantities(Map<String, String> amounts) {
        Map<String, Quantity> quantities = new TreeMap<>();
        amounts.forEach((resource, amount) -> quantities.put(resource, new Quantity(amount)));
        return quantities;
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
