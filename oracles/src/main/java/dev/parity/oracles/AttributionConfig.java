package dev.parity.oracles;

/**
 * The attribution rule: an output is converter-discrepant when the export's scaled error exceeds
 * {@code ratio} times the reference's own and also exceeds {@code floor}. {@code parity calibrate}
 * scores the defaults on held-out corpus models (README, "How verdicts are decided").
 *
 * @param ratio how many times the reference's own error the export may make
 * @param floor scaled error below which nothing is a discrepancy (float32 arithmetic noise)
 */
public record AttributionConfig(double ratio, double floor) {
    /** Float32 unit roundoff: the smallest reference error a ratio is taken against. */
    public static final double UNIT_ROUNDOFF = 0x1p-24;

    public AttributionConfig {
        if (!(ratio >= 1) || !(floor >= 0) || Double.isInfinite(ratio) || Double.isInfinite(floor)) {
            throw new IllegalArgumentException("attribution needs a finite ratio >= 1 (--attribution-ratio) and a "
                    + "finite floor >= 0 (--attribution-floor), got " + ratio + " and " + floor);
        }
    }

    public static AttributionConfig defaults() {
        return new AttributionConfig(DEFAULT_RATIO, DEFAULT_FLOOR);
    }

    public static final double DEFAULT_RATIO = 16;
    public static final double DEFAULT_FLOOR = 1e-4;
}
