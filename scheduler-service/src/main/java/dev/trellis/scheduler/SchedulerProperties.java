package dev.trellis.scheduler;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of the scheduler-service ({@code trellis.scheduler.*}).
 *
 * @param dataRoot storage shared with the workers; each workflow's files live in {@code dataRoot/<workflowId>}
 * @param sites    the sites tasks can run on; each has its own Kafka task topic
 * @param consumerGroup the Kafka consumer group for reports and heartbeats; schedulers sharing a
 *                      broker but not a database need different groups
 * @param kubernetes    how the {@code kubernetes} block provider makes a block's pod
 */
@ConfigurationProperties("trellis.scheduler")
public record SchedulerProperties(
        @DefaultValue("./.trellis/data") Path dataRoot,
        List<Site> sites,
        @DefaultValue("trellis-scheduler") String consumerGroup,
        @DefaultValue Dispatch dispatch,
        @DefaultValue Limits limits,
        @DefaultValue Memo memo,
        @DefaultValue LocalBlocks localBlocks,
        @DefaultValue Kubernetes kubernetes) {

    public SchedulerProperties {
        sites = sites == null || sites.isEmpty() ? List.of(new Site("threads", "threads", 4, null, null)) : List.copyOf(sites);
    }

    /**
     * @param executor      how its blocks run apps: {@code threads} (slots are threads) — shown to users, as in Parsl
     * @param slotsPerBlock tasks one block runs at once
     * @param blocks        elasticity; absent: the site's blocks are started and stopped by hand
     * @param taskTopicPartitions partitions of this site's task topic when it is created; absent:
     *                      {@code dispatch.task-topic-partitions}. At least the most blocks that consume
     *                      the site at once; fewer partitions mean fuller batches per produce and fetch
     */
    public record Site(String name, @DefaultValue("threads") String executor, @DefaultValue("4") int slotsPerBlock,
                       Blocks blocks, Integer taskTopicPartitions) {

        /** Partitions of the site's task topic: its own setting, else {@code defaultPartitions}. */
        public int taskTopicPartitions(int defaultPartitions) {
            return taskTopicPartitions == null ? defaultPartitions : taskTopicPartitions;
        }
    }

    /**
     * Parsl's block settings for an elastic site.
     *
     * @param provider     {@code local}: the scheduler starts and stops blocks as worker processes on its
     *                     own host ({@code trellis.scheduler.local-blocks}); {@code external}: the
     *                     scheduler publishes the blocks it wants (metric and
     *                     {@code GET /api/sites/{site}/desired-blocks}) for KEDA or an HPA to carry out
     * @param parallelism  0..1: how eagerly to add blocks for waiting tasks (Parsl's parallelism)
     * @param startTimeout a block asked for and not heard from within this counts as failed to start
     */
    public record Blocks(
            @DefaultValue("external") String provider,
            @DefaultValue("0") int initBlocks,
            @DefaultValue("0") int minBlocks,
            @DefaultValue("1") int maxBlocks,
            @DefaultValue("1") double parallelism,
            Duration walltime,
            @DefaultValue("2m") Duration maxIdleTime,
            @DefaultValue("5m") Duration startTimeout) {
    }

    /**
     * @param tickInterval        how often retries that waited out their back-off and lost workers are handled
     * @param workerTimeout       a block silent this long is lost; its running attempts run again elsewhere
     * @param taskTopicPartitions partitions of each site's task topic (unless the site sets its own) and of
     *                            the results topic: the most blocks that can consume a site at once
     * @param reportConsumers     threads applying workers' reports, each to its share of the results topic's
     *                            partitions (read by the listener as {@code trellis.scheduler.dispatch.report-consumers})
     */
    public record Dispatch(
            @DefaultValue("500ms") Duration tickInterval,
            @DefaultValue("10s") Duration workerTimeout,
            @DefaultValue("16") int taskTopicPartitions,
            @DefaultValue(DEFAULT_REPORT_CONSUMERS) int reportConsumers) {

        /** Also the listener's default, which reads the property itself. */
        public static final String DEFAULT_REPORT_CONSUMERS = "2";
    }

    /**
     * @param maxTasks    the most tasks one workflow may hold
     * @param maxSpecSize the largest workflow document accepted (for a batch, the whole batch)
     * @param maxBatchWorkflows the most workflows one batch submission may hold, at most
     *                    {@value #MAX_BATCH_WORKFLOWS}: a batch is stored holding every one of its
     *                    workflows' locks, each a stack frame of the request's thread
     */
    public record Limits(@DefaultValue("200000") int maxTasks, @DefaultValue("64MB") DataSize maxSpecSize,
                         @DefaultValue("1000") int maxBatchWorkflows) {

        public static final int MAX_BATCH_WORKFLOWS = 2_000;

        public Limits {
            if (maxBatchWorkflows < 1 || maxBatchWorkflows > MAX_BATCH_WORKFLOWS) {
                throw new IllegalArgumentException("trellis.scheduler.limits.max-batch-workflows must be 1 to "
                        + MAX_BATCH_WORKFLOWS + ", not " + maxBatchWorkflows);
            }
        }
    }

    /**
     * @param checkpointUrl the checkpoint-service's base URL, for memo lookups (stores go through Kafka)
     * @param lookupTimeout a lookup not answered within this runs its tasks without the cache
     */
    public record Memo(@DefaultValue("http://localhost:8082") String checkpointUrl, @DefaultValue("2s") Duration lookupTimeout) {
    }

    /**
     * How the {@code local} provider starts a block: a worker JVM on this host, told its site, slots,
     * block id, data root and Kafka brokers on its command line.
     *
     * @param command     the program and its arguments before the worker's own settings; empty: this
     *                    JVM's {@code java}, {@code jvmOptions}, this JVM's class path and the worker's main
     *                    class (the standalone mode and tests, whose class path holds the worker)
     * @param jvmOptions  options of the default command: fast start matters more than peak speed for a block
     * @param classDataSharing with the default command, record an AppCDS archive of a block's classes
     *                    ({@code logDir/worker.jsa}) on the first block's exit and start later blocks from it
     * @param logDir      each block's output goes to {@code logDir/<blockId>.log}
     * @param properties  more worker settings, passed as {@code --key=value}
     * @param stopTimeout a stopped block that has not exited within this is killed
     */
    public record LocalBlocks(
            List<String> command,
            @DefaultValue({"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k"})
            List<String> jvmOptions,
            @DefaultValue("true") boolean classDataSharing,
            @DefaultValue("./.trellis/blocks") Path logDir,
            Map<String, String> properties,
            @DefaultValue("45s") Duration stopTimeout) {

        public LocalBlocks {
            command = command == null ? List.of() : List.copyOf(command);
            properties = properties == null ? Map.of() : Map.copyOf(properties);
        }
    }

    /**
     * The pod of each block at sites whose provider is {@code kubernetes}: one pod per block, so the
     * scheduler deletes exactly the block that drained.
     *
     * @param image                         the worker-service image
     * @param namespace                     where blocks run; absent: the client's namespace (the scheduler's own in a pod)
     * @param serviceAccount                the blocks' service account; absent: the namespace's default, without its token
     * @param kafkaBootstrapServers         what blocks connect to; absent: the scheduler's {@code spring.kafka.bootstrap-servers}
     * @param dataClaim                     the PersistentVolumeClaim of the data area shared with the scheduler, mounted
     *                                      at {@code dataRoot}; absent: no volume (the image's own directory)
     * @param dataRoot                      the blocks' {@code trellis.worker.data-root} inside the pod
     * @param configMap                     a ConfigMap mounted as the worker's {@code /app/config} (its application.yml)
     * @param fsGroup                       the pod's {@code securityContext.fsGroup}, so blocks can write the data volume
     * @param terminationGracePeriodSeconds a drained block has nothing to finish, but a block that never came up may be starting
     * @param resources                     the container's requests and limits, e.g. {@code cpu: 500m}, {@code memory: 1Gi}
     * @param env                           extra environment of the worker container (e.g. {@code JAVA_OPTS})
     * @param secretEnv                     environment from Secrets, as {@code NAME: secret-name/key} (e.g. Kafka's JAAS config)
     * @param labels                        extra pod labels; they also narrow which pods count as this scheduler's blocks
     */
    public record Kubernetes(
            String image,
            @DefaultValue("IfNotPresent") String imagePullPolicy,
            String namespace,
            String serviceAccount,
            String kafkaBootstrapServers,
            String dataClaim,
            @DefaultValue("/data") String dataRoot,
            String configMap,
            Long fsGroup,
            @DefaultValue("90") long terminationGracePeriodSeconds,
            @DefaultValue Resources resources,
            Map<String, String> env,
            Map<String, String> secretEnv,
            Map<String, String> labels) {

        public Kubernetes {
            env = env == null ? Map.of() : Map.copyOf(env);
            secretEnv = secretEnv == null ? Map.of() : Map.copyOf(secretEnv);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        /** Quantities by resource name, as Kubernetes writes them. */
        public record Resources(Map<String, String> requests, Map<String, String> limits) {

            public Resources {
                requests = requests == null ? Map.of() : Map.copyOf(requests);
                limits = limits == null ? Map.of() : Map.copyOf(limits);
            }
        }
    }

    public List<String> siteNames() {
        return sites.stream().map(Site::name).toList();
    }
}
