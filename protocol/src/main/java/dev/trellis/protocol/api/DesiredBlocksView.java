package dev.trellis.protocol.api;

/** What an external scaler (KEDA's metrics-api scaler, an HPA) reads for one elastic site. */
public record DesiredBlocksView(String site, int desiredBlocks) {
}
