package dev.trellis.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/** Skips (never fails) integration tests when Testcontainers was asked for and no Docker engine runs. */
public class DockerWhenRequestedCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!TestInfrastructure.testcontainersRequested()) {
            return ConditionEvaluationResult.enabled("embedded Kafka and PostgreSQL");
        }
        return DockerClientFactory.instance().isDockerAvailable()
                ? ConditionEvaluationResult.enabled("Testcontainers with a Docker engine")
                : ConditionEvaluationResult.disabled("-Dtrellis.test.infra=testcontainers but no Docker engine is available");
    }
}
