/**
 * From a submitted {@code WorkflowSpec} to a {@link dev.trellis.engine.plan.WorkflowPlan}: templates
 * expanded, references resolved into dependency edges, every problem reported with a JSON path.
 * Entry point: {@link dev.trellis.engine.plan.WorkflowPlanner}.
 */
package dev.trellis.engine.plan;
