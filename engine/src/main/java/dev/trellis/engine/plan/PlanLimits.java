package dev.trellis.engine.plan;

/**
 * Bounds that keep one submission from exhausting the scheduler.
 *
 * @param maxTasks    most tasks a workflow may have after expansion (dynamic additions included)
 * @param maxArgBytes most bytes a task's args may take, roughly as JSON; big data belongs in files
 */
public record PlanLimits(int maxTasks, int maxArgBytes) {

    public static final PlanLimits DEFAULTS = new PlanLimits(200_000, 1 << 20);

    public PlanLimits {
        if (maxTasks < 1 || maxArgBytes < 1) {
            throw new IllegalArgumentException("plan limits must be positive: " + maxTasks + ", " + maxArgBytes);
        }
    }
}
