package dev.trellis.worker;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The worker-service: one block of one site.
 * A block keeps no database; these stay off even when a shared classpath (standalone, tests) has them.
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration"})
@ConfigurationPropertiesScan
@EnableScheduling
public class WorkerApplication {

    /** Its own config file name, so the three services can share one JVM in the standalone mode. */
    public static final String CONFIG_NAME = "spring.config.name=worker,application";

    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(WorkerApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
