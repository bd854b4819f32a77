package dev.trellis.scheduler.elasticity.kubernetes;

import dev.trellis.scheduler.elasticity.BlockHandle;
import dev.trellis.scheduler.elasticity.BlockLaunch;
import dev.trellis.scheduler.elasticity.BlockProvider;
import dev.trellis.scheduler.elasticity.BlockProviderException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Blocks as pods, one per block. Scaling a Deployment down would let Kubernetes choose which pod
 * goes, possibly a busy one (Parsl #2120); deleting the pod of the block that drained stops exactly
 * that block.
 */
public class KubernetesBlockProvider implements BlockProvider {

    static final String NAME = "kubernetes";

    private static final Logger log = LoggerFactory.getLogger(KubernetesBlockProvider.class);
    private static final Set<String> ENDED_PHASES = Set.of("Succeeded", "Failed");

    private final KubernetesClient client;
    private final BlockPodTemplate template;
    private final String namespace;

    /** @param namespace where block pods go; null: the client's namespace */
    KubernetesBlockProvider(KubernetesClient client, BlockPodTemplate template, String namespace) {
        this.client = client;
        this.template = template;
        this.namespace = namespace != null && !namespace.isBlank() ? namespace
                : Objects.requireNonNullElse(client.getNamespace(), "default");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(BlockLaunch launch) {
        Pod pod = template.podFor(launch);
        try {
            client.pods().inNamespace(namespace).resource(pod).create();
        } catch (KubernetesClientException e) {
            throw new BlockProviderException("site %s: could not create pod %s/%s for block %s: %s"
                    .formatted(launch.site(), namespace, pod.getMetadata().getName(), launch.blockId(), apiMessage(e)), e);
        }
        log.info("site {}: started block {} as pod {}/{}", launch.site(), launch.blockId(), namespace, pod.getMetadata().getName());
    }

    @Override
    public void stop(BlockHandle block) {
        String pod = BlockPodTemplate.podName(block.blockId());
        try {
            // Deleting a pod that is gone answers 404, which the client reports as nothing deleted.
            boolean deleted = !client.pods().inNamespace(namespace).withName(pod).delete().isEmpty();
            log.info("site {}: stopped block {} ({} pod {}/{})", block.site(), block.blockId(),
                    deleted ? "deleted" : "no", namespace, pod);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return;
            }
            throw new BlockProviderException("site %s: could not delete pod %s/%s of block %s: %s"
                    .formatted(block.site(), namespace, pod, block.blockId(), apiMessage(e)), e);
        }
    }

    /** Pods of the site that neither ended nor are being deleted, by the exact block ids they were started with. */
    @Override
    public List<String> existingBlocks(String site) {
        List<Pod> pods;
        try {
            pods = client.pods().inNamespace(namespace).withLabels(template.siteSelector(site)).list().getItems();
        } catch (KubernetesClientException e) {
            throw new BlockProviderException("site %s: could not list block pods in namespace %s: %s"
                    .formatted(site, namespace, apiMessage(e)), e);
        }
        return pods.stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .filter(pod -> pod.getStatus() == null || !ENDED_PHASES.contains(pod.getStatus().getPhase()))
                .map(pod -> Objects.requireNonNullElse(pod.getMetadata().getAnnotations(), Map.<String, String>of()))
                // The site label is sanitised; the annotation holds the exact site.
                .filter(annotations -> site.equals(annotations.get(BlockPodTemplate.SITE_ANNOTATION)))
                .map(annotations -> annotations.get(BlockPodTemplate.BLOCK_ID_ANNOTATION))
                .filter(Objects::nonNull)
                .toList();
    }

    String namespace() {
        return namespace;
    }

    /** What the API server said (its Status message), not the client's wrapping of it. */
    private static String apiMessage(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    }
}
