/**
 * The state machine of a running workflow: {@link dev.trellis.engine.run.WorkflowRun} takes events
 * and time, and answers each with a {@link dev.trellis.engine.run.Step} for the scheduler to apply.
 * Legal task moves are listed once, in {@link dev.trellis.engine.run.TaskTransitions}.
 */
package dev.trellis.engine.run;
