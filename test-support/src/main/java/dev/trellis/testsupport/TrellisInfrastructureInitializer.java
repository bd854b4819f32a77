package dev.trellis.testsupport;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * Points a Spring context at the shared test broker and database. The database is named after
 * {@code spring.application.name}, so each service under test gets its own, as in production.
 */
public class TrellisInfrastructureInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        String database = environment.getProperty("spring.application.name", "trellis").replace('-', '_');
        environment.getPropertySources().addFirst(new MapPropertySource("trellisTestInfrastructure", Map.of(
                "spring.kafka.bootstrap-servers", infrastructure.kafkaBootstrapServers(),
                "spring.datasource.url", infrastructure.jdbcUrl(database),
                "spring.datasource.username", infrastructure.username(),
                "spring.datasource.password", infrastructure.password())));
    }
}
