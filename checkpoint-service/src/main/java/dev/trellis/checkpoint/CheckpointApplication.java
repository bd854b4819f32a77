package dev.trellis.checkpoint;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.time.Clock;

/** The checkpoint-service: memoized results and checkpoints in Postgres. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CheckpointApplication {

    /** Its own config file name, so the three services can share one JVM in the standalone mode. */
    public static final String CONFIG_NAME = "spring.config.name=checkpoint,application";

    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(CheckpointApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
