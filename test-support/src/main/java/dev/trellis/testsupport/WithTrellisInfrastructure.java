package dev.trellis.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.ContextConfiguration;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A Spring test wired to the JVM's shared real Kafka broker and PostgreSQL. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DockerWhenRequestedCondition.class)
@ContextConfiguration(initializers = TrellisInfrastructureInitializer.class)
public @interface WithTrellisInfrastructure {
}
