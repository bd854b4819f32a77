package dev.trellis.scheduler.elasticity.kubernetes;

import dev.trellis.scheduler.SchedulerProperties;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

import java.util.List;

/**
 * The kubernetes block provider, there only when some site names it: a scheduler without such a
 * site never reads a kubeconfig or talks to a Kubernetes API.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(KubernetesBlockProviderConfiguration.SomeSiteUsesKubernetes.class)
class KubernetesBlockProviderConfiguration {

    /** From the kubeconfig, or from the pod's service account inside a cluster. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    KubernetesClient kubernetesClient() {
        return new KubernetesClientBuilder().build();
    }

    @Bean
    KubernetesBlockProvider kubernetesBlockProvider(KubernetesClient client, SchedulerProperties properties, KafkaProperties kafka) {
        SchedulerProperties.Kubernetes settings = properties.kubernetes();
        BlockPodTemplate template = new BlockPodTemplate(settings, String.join(",", kafka.getBootstrapServers()));
        return new KubernetesBlockProvider(client, template, settings.namespace());
    }

    static class SomeSiteUsesKubernetes extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            List<String> sites = Binder.get(context.getEnvironment())
                    .bind("trellis.scheduler.sites", Bindable.listOf(SchedulerProperties.Site.class))
                    .orElse(List.of()).stream()
                    .filter(site -> site.blocks() != null && KubernetesBlockProvider.NAME.equals(site.blocks().provider()))
                    .map(SchedulerProperties.Site::name)
                    .toList();
            return sites.isEmpty()
                    ? ConditionOutcome.noMatch("no site has blocks.provider " + KubernetesBlockProvider.NAME)
                    : ConditionOutcome.match("sites " + sites + " have blocks.provider " + KubernetesBlockProvider.NAME);
        }
    }
}
