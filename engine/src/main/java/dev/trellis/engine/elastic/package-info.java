/**
 * Elasticity: how many worker blocks each site should have, following Parsl's strategy.
 *
 * <p>The scheduler keeps each site's {@link dev.trellis.engine.elastic.Block blocks} (from the
 * provider and the blocks' heartbeats) and, every tick, asks
 * {@link dev.trellis.engine.elastic.ScalingStrategy#decide} what to do given the site's load and its
 * {@link dev.trellis.engine.elastic.BlockSettings}. The answer, a
 * {@link dev.trellis.engine.elastic.ScalingDecision}, is carried out by a provider: start blocks,
 * tell blocks to drain, stop drained ones, or (for an external scaler) only publish the desired
 * count. Legal block-state moves are listed once, in {@link dev.trellis.engine.elastic.BlockTransitions}.
 */
package dev.trellis.engine.elastic;
