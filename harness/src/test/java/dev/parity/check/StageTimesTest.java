package dev.parity.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stage times add up per stage, in stage order, and never go below zero. */
class StageTimesTest {
    @Test
    void occurrencesOfAStageAddUpInStageOrder() {
        StageTimes t = new StageTimes();
        t.stageTimed(Stage.INFER_ONNX, 2_000_000);
        t.stageTimed(Stage.LOAD_TORCH, 5_000_000);
        t.stageTimed(Stage.INFER_ONNX, 3_000_000);
        t.stageTimed(Stage.JUDGE, -7); // a clock that went backwards counts nothing
        Map<String, Double> s = t.seconds();
        assertEquals(List.of("load_torch", "infer_onnx", "judge"), List.copyOf(s.keySet()));
        assertEquals(0.005, s.get("load_torch"), 1e-12);
        assertEquals(0.005, s.get("infer_onnx"), 1e-12);
        assertEquals(0.0, s.get("judge"));
    }

    @Test
    void aLapCountsTheTimeSinceTheLastOne() {
        StageTimes t = new StageTimes();
        long start = System.nanoTime();
        long now = t.lap(Stage.INPUTS, start);
        assertTrue(now >= start);
        assertEquals((now - start) / 1e9, t.seconds().get("inputs"), 1e-12);
    }
}
