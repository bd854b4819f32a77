package dev.trellis.scheduler;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The scheduler-service: Trellis's DataFlowKernel.
 * The scheduler talks to Postgres through JDBC; JPA stays off even when a shared classpath (standalone) has it.
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration"})
@ConfigurationPropertiesScan
@EnableScheduling
public class SchedulerApplication {

    /** Its own config file name, so the three services can share one JVM in the standalone mode. */
    public static final String CONFIG_NAME = "spring.config.name=scheduler,application";

    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(SchedulerApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
