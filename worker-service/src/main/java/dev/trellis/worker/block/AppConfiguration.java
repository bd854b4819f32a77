package dev.trellis.worker.block;

import dev.trellis.worker.WorkerProperties;
import dev.trellis.worker.app.AppExecutor;
import dev.trellis.worker.app.AppRunner;
import dev.trellis.worker.app.BashAppRunner;
import dev.trellis.worker.app.BuiltinJavaApps;
import dev.trellis.worker.app.JavaAppRegistry;
import dev.trellis.worker.app.JavaAppRunner;
import dev.trellis.worker.app.PythonAppRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * The app runners of a block. Java functions are registered on the {@link JavaAppRegistry} bean:
 * declare your own registry bean (starting from {@link BuiltinJavaApps}) to add functions.
 */
@Configuration(proxyBeanMethods = false)
class AppConfiguration {

    @Bean
    @ConditionalOnMissingBean
    JavaAppRegistry javaAppRegistry() {
        return BuiltinJavaApps.registerInto(new JavaAppRegistry());
    }

    @Bean
    AppExecutor appExecutor(WorkerProperties properties, JavaAppRegistry javaApps) {
        List<AppRunner> runners = List.of(new BashAppRunner(), new PythonAppRunner(), new JavaAppRunner(javaApps));
        return new AppExecutor(properties.dataRoot(), runners);
    }
}
