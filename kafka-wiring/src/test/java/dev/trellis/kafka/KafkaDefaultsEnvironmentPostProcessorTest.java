package dev.trellis.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka client settings every service starts from, and that a deployment can still change them. */
class KafkaDefaultsEnvironmentPostProcessorTest {

    @Test
    void producersSendAtOnceIdempotentlyWithOneRequestInFlightAndRoomForWhatWaits() {
        Map<String, Object> producer = producerSettings(new StandardEnvironment());

        assertThat(producer).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1")
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 131072);
    }

    @Test
    void aServiceOrDeploymentSettingWinsOverTheDefault() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("deployment",
                Map.of("spring.kafka.producer.properties.max.in.flight.requests.per.connection", "5")));

        assertThat(producerSettings(environment)).containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    }

    private static Map<String, Object> producerSettings(StandardEnvironment environment) {
        new KafkaDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        KafkaProperties properties = Binder.get(environment).bind("spring.kafka", KafkaProperties.class).orElseGet(KafkaProperties::new);
        return properties.buildProducerProperties();
    }
}
