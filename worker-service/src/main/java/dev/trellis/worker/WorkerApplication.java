package dev.trellis.worker;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The worker-service: one block of one site. */
@SpringBootApplication
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
