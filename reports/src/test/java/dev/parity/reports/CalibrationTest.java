package dev.parity.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.oracles.AttributionConfig;
import dev.parity.result.ResultJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calibration against expected outcomes, on synthetic results.jsonl lines whose answers are derived
 * by hand. Models m2, m3, m4 and m7 hash into the tuning half, m0, m1 and m5 into the held-out half
 * (pinned by {@link #theSplitIsByModelAndPinned}).
 */
class CalibrationTest {
    private static final double TINY = 0x1p-24; // the ratio's smallest denominator

    // ---- synthetic records, written as JSON lines so that they read as a run written by parity run ----

    /** An output judged by attribution: scaled errors of the export and the reference. */
    static Map<String, Object> attributed(double onnxErr, double torchErr) {
        double ratio = onnxErr / Math.max(torchErr, TINY);
        boolean d = ratio > 16 && onnxErr > 1e-4;
        Map<String, Object> o = output(d ? "discrepant" : "faithful");
        o.put("attribution", Map.of("onnx_err", onnxErr, "torch_err", torchErr, "ratio", ratio, "discrepant", d));
        return o;
    }

    /** An output judged in noise-aware tolerance mode at K = 8, atol 1e-5. */
    static Map<String, Object> noisy(double neededAtol, double movement) {
        Map<String, Object> o = output(neededAtol > Math.max(1e-5, 8 * movement) ? "discrepant" : "faithful");
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) o.get("stats");
        stats.put("needed_atol", neededAtol);
        o.put("noise", Map.of("movement", movement, "factor", 8.0, "base_atol", 1e-5));
        return o;
    }

    /** An output with statistics and a recorded verdict only (integers, fixed tolerances). */
    static Map<String, Object> output(String verdict) {
        Map<String, Object> stats = new LinkedHashMap<>(Map.of("elements", 4, "max_abs", 0.0, "mismatches", 0,
                "nonfinite_mismatches", 0));
        return new LinkedHashMap<>(Map.of("name", "y", "verdict", verdict, "dtype_torch", "float32", "dtype_onnx",
                "float32", "stats", stats));
    }

    /** One record: one case per list of outputs. */
    @SafeVarargs
    static Map<String, Object> rec(String model, String config, String expected, String mode,
            List<Map<String, Object>>... cases) {
        List<Map<String, Object>> cs = new ArrayList<>();
        for (int i = 0; i < cases.length; i++) {
            cs.add(Map.of("index", i, "regime", "normal", "verdict", "faithful", "outputs", cases[i]));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("key", model + "/" + config);
        r.put("model", model);
        r.put("config", config);
        r.put("generation", "g");
        r.put("outcome", "faithful");
        r.put("mode", mode);
        r.put("expected", expected);
        r.put("seconds", 0.5);
        r.put("check", Map.of("verdict", "faithful", "mode", mode, "seed", 0, "cases", cs));
        return r;
    }

    static Path run(Path dir, List<Map<String, Object>> records) throws IOException {
        Files.createDirectories(dir);
        var line = ResultJson.mapper().copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> r : records) {
            sb.append(line.writeValueAsString(r)).append('\n');
        }
        Files.writeString(dir.resolve(RunData.RESULTS), sb);
        return dir;
    }

    static RunData load(Path dir, List<Map<String, Object>> records) throws IOException {
        return RunData.load(run(dir, records));
    }

    /** Tolerance-mode records every test can use when it looks at attribution only. */
    static List<Map<String, Object>> someTolerance() {
        return List.of(rec("m2", "a", "faithful", "tolerance", List.of(noisy(1e-6, 1e-6))),
                rec("m3", "a", "numeric-discrepancy", "tolerance", List.of(noisy(1, 1e-6))));
    }

    // ---- the tests ----

    @Test
    void theSplitIsByModelAndPinned() throws IOException {
        // first bytes of SHA-256: m2 0x29, m3 0x15, m4 0x23, m7 0x01 (tuning); m0 0xe4, m1 0xca, m5 0xb5 (held out)
        for (String m : new String[] {"m2", "m3", "m4", "m7"}) {
            assertEquals(Calibration.Half.TUNING, Calibration.half(m), m);
        }
        for (String m : new String[] {"m0", "m1", "m5"}) {
            assertEquals(Calibration.Half.HELD_OUT, Calibration.half(m), m);
        }
        List<Map<String, Object>> recs = new ArrayList<>();
        for (String m : new String[] {"m0", "m2", "m5", "m7"}) {
            for (String cfg : new String[] {"opset11", "opset13", "opset17-nofold"}) {
                recs.add(rec(m, cfg, "faithful", "attribution", List.of(attributed(1e-7, 1e-7))));
            }
        }
        Calibration.Selection s = Calibration.select(load(Files.createTempDirectory("split"), recs),
                Calibration.Mode.ATTRIBUTION);
        for (Calibration.Pair p : s.pairs()) {
            assertEquals(Calibration.half(p.model()), p.half());
            assertEquals(p.model().equals("m2") || p.model().equals("m7") ? Calibration.Half.TUNING
                    : Calibration.Half.HELD_OUT, p.half(), p.key());
        }
        assertEquals(6, s.in(Calibration.Half.TUNING).size(), "all three configurations of m2 and m7");
    }

    @Test
    void aFalseAlarmAtTheShippedRatioIsFaithfulAtTheChosenOneAndAMissShowsToo(@TempDir Path dir) throws IOException {
        List<Map<String, Object>> att = List.of(
                // tuning: faithful ratios 2 and 40 (errors 1e-6, 1e-3), problems 1e4 and 1e6 (errors 0.1, 0.5)
                rec("m2", "a", "faithful", "attribution", List.of(attributed(2e-6, 1e-6))),
                rec("m2", "b", "faithful", "attribution", List.of(attributed(1e-3, 2.5e-5), attributed(1e-7, 1e-7))),
                rec("m3", "a", "numeric-discrepancy", "attribution", List.of(attributed(0.1, 1e-5))),
                rec("m4", "a", "accuracy-discrepancy", "attribution", List.of(attributed(1e-7, 1e-7)),
                        List.of(attributed(0.5, 5e-7))),
                // held out: a faithful pair at ratio 30 and error 1e-3 (a false alarm at R = 16, F = 1e-4),
                // a problem at ratio 500 and error 0.2 (caught at R = 16, missed at the chosen R), a plain one
                rec("m0", "a", "faithful", "attribution", List.of(attributed(1.5e-3, 5e-5))),
                rec("m1", "a", "numeric-discrepancy", "attribution", List.of(attributed(0.2, 4e-4))),
                rec("m5", "a", "faithful", "attribution", List.of(attributed(1.5e-7, 1e-7))));
        Calibration c = Calibration.of(load(dir.resolve("att"), att), load(dir.resolve("tol"), someTolerance()), null);
        // R: faithful up to 40, problems from 1e4 on: sqrt(40 * 1e4); F: faithful up to 1e-3, problems from 0.1
        Calibration.Choice r = c.choices().get(0);
        Calibration.Choice f = c.choices().get(1);
        assertEquals(40, r.lo(), 1e-12);
        assertEquals(1e4, r.hi(), 1e-8);
        assertEquals(Math.sqrt(40 * 1e4), r.value(), 1e-9);
        assertEquals(1e-3, f.lo());
        assertEquals(0.1, f.hi());
        assertEquals(0.01, f.value(), 1e-15);
        Calibration.Row chosen = c.rows().get(0);
        Calibration.Row shipped = c.rows().get(1);
        assertTrue(chosen.chosen() && !shipped.chosen());
        assertEquals(0, chosen.tuning().count());
        assertEquals(List.of(), chosen.heldOut().falseAlarms());
        assertEquals(List.of("m1/a"), chosen.heldOut().misses());
        assertEquals(List.of("m0/a"), shipped.heldOut().falseAlarms());
        assertEquals(List.of(), shipped.heldOut().misses());
        assertEquals(2, shipped.heldOut().negatives());
        assertEquals(1, shipped.heldOut().positives());
        String md = CalibrationMarkdown.summary(c, "./parity calibrate a t");
        assertTrue(md.contains("| attribution | R = 16, F = 1e-04 (shipped) | 1 of 2 faithful | 0 of 1 problem | 1 of 4 |"),
                md);
        assertTrue(md.contains("| attribution | R = 632, F = 0.01 (chosen on the tuning half) | 0 of 2 faithful | "
                + "1 of 1 problem | 0 of 4 |"), md);
        assertTrue(md.contains("false alarms `m0/a`; misses none"), md);
        assertTrue(md.contains("Reproduce: `./parity calibrate a t`"), md);
    }

    @Test
    void noiseFactorIsChosenFromNeededAtolAndMovement(@TempDir Path dir) throws IOException {
        List<Map<String, Object>> tol = List.of(
                // tuning: faithful needs K >= 2e-5 / 1e-5 = 2, the problem is caught below 0.1 / 1e-5 = 1e4
                rec("m2", "a", "faithful", "tolerance", List.of(noisy(2e-5, 1e-5), noisy(0, 1e-5))),
                rec("m7", "a", "numeric-discrepancy", "tolerance", List.of(noisy(0.1, 1e-5))),
                // a problem with an integer output that differs: discrepant at every K
                rec("m7", "b", "numeric-discrepancy", "tolerance", List.of(noisy(0, 0), output("discrepant"))),
                // held out: faithful but needs K >= 15 (a false alarm at K = 8); a problem caught below K = 100
                rec("m0", "a", "faithful", "tolerance", List.of(noisy(1.5e-4, 1e-5))),
                rec("m1", "a", "numeric-discrepancy", "tolerance", List.of(noisy(1e-3, 1e-5))));
        Calibration c = Calibration.of(load(dir.resolve("att"), List.of(
                rec("m2", "a", "faithful", "attribution", List.of(attributed(1e-7, 1e-7))))), load(dir.resolve("tol"), tol),
                null);
        Calibration.Choice k = c.choices().get(2);
        assertEquals(2, k.lo(), 1e-12);
        assertEquals(1e4, k.hi(), 1e-6);
        assertEquals(Math.sqrt(2e4), k.value(), 1e-9);
        Calibration.Row chosen = c.rows().get(2);
        Calibration.Row shipped = c.rows().get(3);
        assertEquals("noise-aware tolerance", chosen.mode());
        assertEquals(0, chosen.tuning().count());
        assertEquals(List.of(), chosen.heldOut().falseAlarms());
        assertEquals(List.of("m1/a"), chosen.heldOut().misses(), "1e-3 <= 141 * 1e-5");
        assertEquals(List.of("m0/a"), shipped.heldOut().falseAlarms(), "1.5e-4 > 8 * 1e-5");
        assertEquals(List.of(), shipped.heldOut().misses());
    }

    @Test
    void amongTiedRangesTheWidestWinsAndTheChoiceIsItsGeometricMiddle() {
        // edges: faithful 1 and 10, problems 5 and 100. Errors: [0,1) 2, [1,5) 1, [5,10) 2, [10,100) 1,
        // [100,inf) 2. Two ranges tie at one error; [10, 100) is 10x wide, [1, 5) 5x: K = sqrt(10 * 100).
        double[] e = {1, 10, 5, 100};
        Thresholds.Choice k = Thresholds.belowEdge(new boolean[] {false, false, true, true}, e, e);
        assertEquals(10, k.lo());
        assertEquals(100, k.hi());
        assertEquals(Math.sqrt(1000), k.value(), 1e-12);
        // a separable case: the gap between the largest negative (2) and the smallest positive (50)
        double[] s = {1.5, 2, 50, 200};
        assertEquals(10, Thresholds.belowEdge(new boolean[] {false, false, true, true}, s, s).value(), 1e-12);
        // no positive above: twice the largest negative; nothing at all: 0
        assertEquals(4, Thresholds.belowEdge(new boolean[] {false}, new double[] {2}, new double[] {2}).value());
        assertEquals(0, Thresholds.belowEdge(new boolean[] {}, new double[] {}, new double[] {}).value());
    }

    @Test
    void whereThePlainAtolKeepsAFaithfulPairQuietKStillClearsItsNoise() {
        // the faithful pair needs 3e-6 with J = 1e-6: the plain atol 1e-5 covers it at every K (edge 0),
        // but its needed / J is 3, so K sits in [3, 1e4), not in [0, 1e4)
        Calibration.Pair quiet = new Calibration.Pair("m2/a", "m2", "faithful", false, List.of(),
                List.of(new Calibration.NoiseEvidence(3e-6, new dev.parity.oracles.NoiseAllowance(1e-6, 8, 1e-5))));
        Calibration.Pair loud = new Calibration.Pair("m3/a", "m3", "numeric-discrepancy", false, List.of(),
                List.of(new Calibration.NoiseEvidence(1e-2, new dev.parity.oracles.NoiseAllowance(1e-6, 8, 1e-5))));
        assertEquals(0, quiet.noiseEdge());
        assertEquals(3, quiet.noiseSpread(), 1e-12);
        Thresholds.Choice k = Thresholds.belowEdge(new boolean[] {false, true},
                new double[] {quiet.noiseEdge(), loud.noiseEdge()}, new double[] {quiet.noiseSpread(), loud.noiseSpread()});
        assertEquals(3, k.lo(), 1e-12);
        assertEquals(1e4, k.hi(), 1e-8);
        assertEquals(Math.sqrt(3e4), k.value(), 1e-9);
    }

    @Test
    void aFloorExcusesAFaithfulPairWithAHighRatioButATinyError() {
        // a faithful pair of ratio 1e3 at error 1e-6 (an exact computation off by ulps), problems at ratio
        // 1e2 and 1e5 with errors 0.05 and 1: no R alone separates them, R with a floor does.
        List<Thresholds.AttributionPair> pairs = List.of(
                Thresholds.AttributionPair.of(false, false, new double[] {1e3}, new double[] {1e-6}),
                Thresholds.AttributionPair.of(false, false, new double[] {3}, new double[] {1e-6}),
                Thresholds.AttributionPair.of(true, false, new double[] {1e2}, new double[] {0.05}),
                Thresholds.AttributionPair.of(true, false, new double[] {1e5}, new double[] {1}));
        Thresholds.Choice[] rf = Thresholds.attribution(pairs);
        for (Thresholds.AttributionPair p : pairs) {
            assertEquals(p.positive(), p.fires(rf[0].value(), rf[1].value()), "R " + rf[0] + " F " + rf[1]);
        }
        assertEquals(1e-6, rf[1].lo());
        assertEquals(0.05, rf[1].hi());
    }

    @Test
    void nanEvidenceNeverFiresAndDominatedPointsDoNotMatter() {
        Thresholds.AttributionPair p = Thresholds.AttributionPair.of(false, false, new double[] {Double.NaN, 5, 3, 7},
                new double[] {1, 1e-3, 1e-4, 1e-5});
        assertEquals(2, p.ratios().length, "(5, 1e-3) and (7, 1e-5) remain; (3, 1e-4) is beaten by (5, 1e-3)");
        assertTrue(!p.fires(1, 1e-3) && p.fires(1, 1e-4) && p.fires(6, 0) && !p.fires(7, 0));
        Calibration.Pair nan = new Calibration.Pair("x/a", "x", "faithful", false,
                List.of(new dev.parity.oracles.Attribution(Double.NaN, 1e-7, Double.NaN, false)), List.of());
        assertTrue(!nan.discrepantByAttribution(new AttributionConfig(1, 0)));
    }

    @Test
    void onlyFaithfulAndNumericProblemsWithNumbersCount(@TempDir Path dir) throws IOException {
        Map<String, Object> noCheck = rec("m2", "c", "numeric-discrepancy", "attribution");
        noCheck.put("check", null);
        List<Map<String, Object>> att = List.of(
                rec("m2", "a", "faithful", "attribution", List.of(attributed(1e-7, 1e-7))),
                rec("m2", "b", "export-crash", "attribution", List.of(attributed(1e-7, 1e-7))),
                noCheck,
                rec("m3", "a", null, "attribution", List.of(attributed(1e-7, 1e-7))),
                rec("m3", "b", "faithful", "tolerance", List.of(noisy(0, 1e-6))),
                rec("m4", "a", "runtime-failure", "attribution", List.of(attributed(1e-7, 1e-7))));
        Calibration.Selection s = Calibration.select(load(dir, att), Calibration.Mode.ATTRIBUTION);
        assertEquals(List.of("m2/a"), s.pairs().stream().map(Calibration.Pair::key).toList());
        assertEquals(Map.of("expected export-crash", 1, "expected runtime-failure", 1, "no numbers", 1,
                "no expected outcome", 1, "judged in tolerance mode (no float64 twin)", 1), s.leftOut());
    }

    @Test
    void fixedToleranceDecisionsAreTheRecordedVerdicts(@TempDir Path dir) throws IOException {
        List<Map<String, Object>> fixed = List.of(
                rec("m0", "a", "faithful", "tolerance", List.of(output("faithful")), List.of(output("discrepant"))),
                rec("m1", "a", "numeric-discrepancy", "tolerance", List.of(output("faithful"))),
                rec("m2", "a", "faithful", "tolerance", List.of(output("faithful"))));
        Calibration c = Calibration.of(load(dir.resolve("att"), List.of(
                rec("m2", "a", "faithful", "attribution", List.of(attributed(1e-7, 1e-7))))),
                load(dir.resolve("tol"), someTolerance()), load(dir.resolve("fixed"), fixed));
        Calibration.Row row = c.rows().get(4);
        assertEquals("fixed tolerance", row.mode());
        assertEquals(List.of("m0/a"), row.heldOut().falseAlarms());
        assertEquals(List.of("m1/a"), row.heldOut().misses());
        assertEquals(0, row.tuning().count());
        String full = CalibrationMarkdown.full(c, "cmd");
        assertTrue(full.contains("| m0/a | held-out | faithful | - | - | - | - | - | - | - | **discrepant** (false alarm) |"),
                full);
    }

    @Test
    void runsOfTheWrongKindAreRefusedWithTheCommandToRun(@TempDir Path dir) throws IOException {
        RunData att = load(dir.resolve("att"), List.of(rec("m2", "a", "faithful", "attribution",
                List.of(attributed(1e-7, 1e-7)))));
        RunData tol = load(dir.resolve("tol"), someTolerance());
        IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class, () -> Calibration.of(tol, att, null));
        assertTrue(swapped.getMessage().contains("ATTRIBUTION_RUN") && swapped.getMessage().contains("judged in tolerance"),
                swapped.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> Calibration.of(att, att, null));
        assertTrue(twice.getMessage().contains("TOLERANCE_RUN") && twice.getMessage().contains("--tolerance-mode"),
                twice.getMessage());
        IllegalArgumentException noisyFixed = assertThrows(IllegalArgumentException.class,
                () -> Calibration.of(att, tol, tol));
        assertTrue(noisyFixed.getMessage().contains("--noise-factor 0"), noisyFixed.getMessage());
        Map<String, Object> old = noisy(1e-3, 1e-5);
        ((Map<?, ?>) old.get("stats")).remove("needed_atol");
        RunData before = load(dir.resolve("old"), List.of(rec("m2", "a", "faithful", "tolerance", List.of(old))));
        IllegalArgumentException stale = assertThrows(IllegalArgumentException.class,
                () -> Calibration.of(att, before, null));
        assertTrue(stale.getMessage().contains("needed_atol"), stale.getMessage());
        RunData none = load(dir.resolve("none"), List.of(rec("m2", "a", "export-crash", "attribution")));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> Calibration.of(none, tol, null));
        assertTrue(empty.getMessage().contains("no pair counts"), empty.getMessage());
        assertNull(Calibration.of(att, tol, null).fixed());
    }
}
