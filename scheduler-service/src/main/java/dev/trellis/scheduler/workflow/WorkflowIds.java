package dev.trellis.scheduler.workflow;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import java.util.UUID;

/**
 * New workflow ids: UUID version 7, which begin with the time in milliseconds. Every row of a
 * workflow (its own, its tasks', its attempts') is keyed by the id first, so ids in time order put
 * a new workflow's index entries beside the last one's, in pages Postgres holds in memory, where
 * random ids put each in a page of its own among millions, often read back in just for it.
 */
final class WorkflowIds {

    private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();

    private WorkflowIds() {
    }

    static UUID next() {
        return GENERATOR.generate();
    }
}
