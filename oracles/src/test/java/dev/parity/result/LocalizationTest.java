package dev.parity.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The localization record's JSON contract: fields added, never renamed; failures are a state of their own. */
class LocalizationTest {
    @Test
    void aFailedLocalizationSaysLocalizationFailedWithItsReason() {
        Localization l = Localization.failed(2, List.of(new Localization.Boundary("m", true, null, false, "onnx: boom")),
                List.of(), 1, "1 of 1 mapped, 0 judged; 1 failed: m: onnx: boom");
        assertEquals(Localization.Status.FAILED, l.status());
        assertEquals("localization failed: 1 of 1 mapped, 0 judged; 1 failed: m: onnx: boom", l.message());
        assertEquals(0, l.judged());
        assertNull(l.module());
        assertFalse(l.boundaries().get(0).judged());
    }

    @Test
    void statusJudgedAndFailureAreAddedFieldsThatRoundTrip() throws Exception {
        Localization l = Localization.failed(0, List.of(), List.of("a"), 0, "the probe could not run: torch: x");
        String json = ResultJson.write(l);
        JsonNode n = ResultJson.mapper().readTree(json);
        for (String k : new String[] {"module", "onnx_nodes", "ratio_before", "ratio_after", "case_index", "boundaries",
            "unmapped", "sessions", "message", "status", "judged", "failure"}) {
            assertTrue(n.has(k), k + " in " + json);
        }
        assertEquals("failed", n.get("status").asText());
        assertEquals(l, ResultJson.mapper().readValue(json, Localization.class));
    }

    @Test
    void resultsWrittenBeforeStatusExistedReadWithADerivedStatus() throws Exception {
        // before status, a boundary was marked mapped only once judged, and a failure had no module and no mapped one
        String judgedNone = "{\"module\":null,\"boundaries\":[{\"module\":\"a\",\"mapped\":true,\"ratio\":1.0,"
                + "\"discrepant\":false},{\"module\":\"b\",\"mapped\":false}],\"message\":\"no module boundary diverges\"}";
        Localization l = ResultJson.mapper().readValue(judgedNone, Localization.class);
        assertEquals(Localization.Status.NO_CULPRIT, l.status());
        assertEquals(1, l.judged());
        String culprit = "{\"module\":\"a\",\"boundaries\":[{\"module\":\"a\",\"mapped\":true,\"discrepant\":true}]}";
        assertEquals(Localization.Status.CULPRIT, ResultJson.mapper().readValue(culprit, Localization.class).status());
        String nothing = "{\"module\":null,\"boundaries\":[{\"module\":\"a\",\"mapped\":false}],"
                + "\"message\":\"the probe could not run: torch: x\"}";
        assertEquals(Localization.Status.FAILED, ResultJson.mapper().readValue(nothing, Localization.class).status());
    }

    @Test
    void aBoundaryIsJudgedOnlyWhenMappedAndNotFailed() {
        assertTrue(new Localization.Boundary("a", true, 1.0, false).judged());
        assertFalse(new Localization.Boundary("a", false, null, false).judged());
        assertFalse(new Localization.Boundary("a", true, null, false, "shapes differ").judged());
    }
}
