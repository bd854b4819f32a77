package dev.trellis.benchmarks;

import dev.trellis.protocol.WireCodec;

import java.util.Map;

/**
 * One measured figure, printed as one JSON line.
 *
 * @param limit  the matching machine limit measured in the same run (null when none applies or it was not measured)
 * @param target the target for this figure (null when it sets none)
 */
record Figure(String figure, double value, String unit, Double limit, Double target, Map<String, Object> params) {

    Figure {
        value = rounded(value);
        limit = limit == null ? null : rounded(limit);
        params = Map.copyOf(params);
    }

    String toJson() {
        return WireCodec.writeString(this);
    }

    private static double rounded(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
