package dev.parity.reports;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Threshold choice on labelled pairs: the value that minimises errors, and among ties the geometric
 * middle of the tied range, whose ends are the data values of the largest negative and the smallest
 * positive that bound it. Pure arithmetic; {@link Calibration} feeds it the evidence of runs.
 */
final class Thresholds {
    private Thresholds() {}

    /**
     * A chosen threshold: {@code value}, inside the range [lo, hi) over which the errors on the tuning
     * pairs were minimal ({@code hi} infinite when no positive bounds it).
     */
    record Choice(double value, double lo, double hi) {
        boolean unbounded() {
            return hi == Double.POSITIVE_INFINITY;
        }
    }

    /**
     * One pair for the attribution rule: discrepant at (R, F) when {@code fixed} (an output that is
     * discrepant whatever the thresholds) or when some point has ratio > R and error > F.
     */
    record AttributionPair(boolean positive, boolean fixed, double[] ratios, double[] errors) {
        /**
         * The pair with only the points that matter: those no other point beats in both ratio and
         * error (a dominated point fires only where its dominator does). NaN points never fire.
         */
        static AttributionPair of(boolean positive, boolean fixed, double[] ratios, double[] errors) {
            Integer[] order = new Integer[ratios.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Double.compare(ratios[y], ratios[x]) != 0 ? Double.compare(ratios[y], ratios[x])
                    : Double.compare(errors[y], errors[x]));
            List<double[]> front = new ArrayList<>();
            double maxErr = Double.NEGATIVE_INFINITY;
            for (int i : order) {
                if (!Double.isNaN(ratios[i]) && !Double.isNaN(errors[i]) && errors[i] > maxErr) {
                    front.add(new double[] {ratios[i], errors[i]});
                    maxErr = errors[i];
                }
            }
            return new AttributionPair(positive, fixed, front.stream().mapToDouble(x -> x[0]).toArray(),
                    front.stream().mapToDouble(x -> x[1]).toArray());
        }

        boolean fires(double r, double f) {
            if (fixed) {
                return true;
            }
            for (int i = 0; i < ratios.length; i++) {
                if (ratios[i] > r && errors[i] > f) {
                    return true;
                }
            }
            return false;
        }

        double maxRatio() {
            return Arrays.stream(ratios).max().orElse(Double.NEGATIVE_INFINITY);
        }

        double maxError() {
            return Arrays.stream(errors).max().orElse(Double.NEGATIVE_INFINITY);
        }
    }

    /** The middle of [lo, hi): geometric; 0 when lo is 0; twice lo when nothing bounds it above. */
    static double middle(double lo, double hi) {
        if (lo == 0) {
            return 0;
        }
        if (hi == Double.POSITIVE_INFINITY) {
            return 2 * lo;
        }
        return Math.sqrt(lo) * Math.sqrt(hi);
    }

    /**
     * The noise factor K for pairs that are discrepant exactly when K is below their {@code edge} (0:
     * never discrepant, infinite: always). Cells between consecutive values are ranked by these
     * errors, then (among ties) by the errors of K as a threshold on {@code spread}, each pair's
     * largest needed atol / J whatever the plain atol (NaN: not counted), so that where the plain
     * atol already keeps a faithful pair quiet K still sits above what its noise would need. K is
     * the middle of the widest run of optimal cells (the lowest among equals).
     */
    static Choice belowEdge(boolean[] positive, double[] edge, double[] spread) {
        double[] all = new double[edge.length + spread.length];
        System.arraycopy(edge, 0, all, 0, edge.length);
        System.arraycopy(spread, 0, all, edge.length, spread.length);
        double[] edges = edges(0, all);
        long[] score = new long[edges.length];
        for (int c = 0; c < edges.length; c++) {
            long rule = 0;
            long alone = 0;
            for (int p = 0; p < edge.length; p++) {
                rule += (edges[c] < edge[p]) != positive[p] ? 1 : 0;
                alone += !Double.isNaN(spread[p]) && (edges[c] < spread[p]) != positive[p] ? 1 : 0;
            }
            score[c] = rule * (edge.length + 1L) + alone;
        }
        long best = Arrays.stream(score).min().orElse(0);
        boolean[] optimal = new boolean[edges.length];
        for (int c = 0; c < edges.length; c++) {
            optimal[c] = score[c] == best;
        }
        return widestRun(edges, optimal);
    }

    /**
     * R and F of the attribution rule. The cells of the grid between consecutive data values are
     * ranked by errors of the rule, then (among ties) by the errors that R alone and F alone make
     * as one-dimensional thresholds on each pair's largest ratio and largest error; so where the
     * rule is indifferent (a floor that no faithful pair reaches), each threshold still sits in the
     * gap between that statistic's largest negative and smallest positive. R is the middle of the
     * widest run of optimal ratio cells, F the middle of the widest run of optimal floor cells at R.
     */
    static Choice[] attribution(List<AttributionPair> pairs) {
        List<Double> rs = new ArrayList<>();
        List<Double> fs = new ArrayList<>();
        for (AttributionPair p : pairs) {
            for (int i = 0; i < p.ratios().length; i++) {
                rs.add(p.ratios()[i]);
                fs.add(p.errors()[i]);
            }
        }
        double[] rEdges = edges(1, rs.stream().mapToDouble(Double::doubleValue).toArray());
        double[] fEdges = edges(0, fs.stream().mapToDouble(Double::doubleValue).toArray());
        double[] maxRatio = pairs.stream().mapToDouble(AttributionPair::maxRatio).toArray();
        double[] maxError = pairs.stream().mapToDouble(AttributionPair::maxError).toArray();
        long[][] score = new long[rEdges.length][fEdges.length];
        long best = Long.MAX_VALUE;
        for (int i = 0; i < rEdges.length; i++) {
            for (int j = 0; j < fEdges.length; j++) {
                long rule = 0;
                long alone = 0;
                for (int k = 0; k < pairs.size(); k++) {
                    AttributionPair p = pairs.get(k);
                    rule += p.fires(rEdges[i], fEdges[j]) != p.positive() ? 1 : 0;
                    if (!p.fixed()) {
                        alone += (maxRatio[k] > rEdges[i]) != p.positive() ? 1 : 0;
                        alone += (maxError[k] > fEdges[j]) != p.positive() ? 1 : 0;
                    }
                }
                score[i][j] = rule * (2L * pairs.size() + 1) + alone; // rule errors first, then the rest
                best = Math.min(best, score[i][j]);
            }
        }
        boolean[] rOptimal = new boolean[rEdges.length];
        for (int i = 0; i < rEdges.length; i++) {
            for (int j = 0; j < fEdges.length; j++) {
                rOptimal[i] |= score[i][j] == best;
            }
        }
        Choice r = widestRun(rEdges, rOptimal);
        int ri = cell(rEdges, r.value());
        boolean[] fOptimal = new boolean[fEdges.length];
        for (int j = 0; j < fEdges.length; j++) {
            fOptimal[j] = score[ri][j] == best;
        }
        return new Choice[] {r, widestRun(fEdges, fOptimal)};
    }

    /** The sorted distinct finite values at or above {@code floor}, {@code floor} itself first. */
    private static double[] edges(double floor, double[] values) {
        TreeSet<Double> s = new TreeSet<>();
        s.add(floor);
        for (double v : values) {
            if (Double.isFinite(v) && v >= floor) {
                s.add(v);
            }
        }
        return s.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The index of the cell [edges[i], edges[i+1]) holding x. */
    private static int cell(double[] edges, double x) {
        int i = 0;
        while (i + 1 < edges.length && edges[i + 1] <= x) {
            i++;
        }
        return i;
    }

    /** The widest run of consecutive optimal cells (by ratio of its ends; the lowest among equals). */
    private static Choice widestRun(double[] edges, boolean[] optimal) {
        Choice best = null;
        double bestWidth = -1;
        for (int a = 0; a < edges.length; a++) {
            if (!optimal[a] || (a > 0 && optimal[a - 1])) {
                continue;
            }
            int b = a;
            while (b + 1 < edges.length && optimal[b + 1]) {
                b++;
            }
            double lo = edges[a];
            double hi = b + 1 < edges.length ? edges[b + 1] : Double.POSITIVE_INFINITY;
            double width = lo == 0 || hi == Double.POSITIVE_INFINITY ? Double.POSITIVE_INFINITY : hi / lo;
            if (width > bestWidth) {
                bestWidth = width;
                best = new Choice(middle(lo, hi), lo, hi);
            }
        }
        return best;
    }
}
