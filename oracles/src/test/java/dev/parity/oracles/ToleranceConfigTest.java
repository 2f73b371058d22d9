package dev.parity.oracles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.tensor.DType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToleranceConfigTest {
    @Test
    void defaultsArePerElementType() {
        ToleranceConfig c = ToleranceConfig.defaults();
        assertEquals(new Tolerance(1e-5, 1.3e-6), c.forOutput("y", DType.FLOAT32));
        assertEquals(new Tolerance(1e-7, 1e-7), c.forOutput("y", DType.FLOAT64));
        assertEquals(new Tolerance(0, 0), c.forOutput("y", DType.INT64));
    }

    @Test
    void globalOverrideReplacesOnlyWhatItNames() {
        ToleranceConfig c = new ToleranceConfig(1e-3, null, Map.of());
        assertEquals(new Tolerance(1e-3, 1.3e-6), c.forOutput("y", DType.FLOAT32));
        assertEquals(new Tolerance(0, 0), c.forOutput("idx", DType.INT64), "integers stay exact");
    }

    @Test
    void perOutputToleranceWinsOverEverything() {
        ToleranceConfig c = new ToleranceConfig(1e-3, 1e-3, Map.of("logits", new Tolerance(0.5, 0.25)));
        assertEquals(new Tolerance(0.5, 0.25), c.forOutput("logits", DType.FLOAT32));
        assertEquals(new Tolerance(1e-3, 1e-3), c.forOutput("other", DType.FLOAT32));
    }

    @Test
    void negativeOrNanTolerancesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Tolerance(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Tolerance(0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ToleranceConfig(-1.0, null, Map.of()));
    }

    @Test
    void infiniteTolerancesAreRefusedNamingTheFlag() {
        IllegalArgumentException atol = assertThrows(IllegalArgumentException.class,
                () -> new ToleranceConfig(Double.POSITIVE_INFINITY, null, Map.of()));
        assertTrue(atol.getMessage().contains("--atol"), atol.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ToleranceConfig(null, Double.POSITIVE_INFINITY, Map.of()));
        IllegalArgumentException per = assertThrows(IllegalArgumentException.class,
                () -> new ToleranceConfig(null, null, Map.of("y", new Tolerance(Double.POSITIVE_INFINITY, 0))));
        assertTrue(per.getMessage().contains("output 'y' (--tol)"), per.getMessage());
    }

    @Test
    void infiniteAttributionRatioOrFloorIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AttributionConfig(Double.POSITIVE_INFINITY, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new AttributionConfig(16, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new AttributionConfig(16, Double.NaN));
    }
}
