package dev.parity.oracles;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 pass of {@link ClosenessOracle} on the JDK's incubating Vector API: the preferred
 * number of double lanes per step (8 with AVX-512, 4 with AVX2). Loaded only when the module
 * {@code jdk.incubator.vector} is in the boot layer (see {@link ClosenessOracle#vectorPass}).
 *
 * <p>Per lane it computes what the scalar path computes (float to double, {@code e = |x - y|},
 * {@code r = rtol * |x|}, the same comparisons, the histogram bucket of {@code (float) e}), so
 * counts, maxima and buckets are exact; the five sums run in one chain per lane.
 *
 * <p>Elements are taken in blocks of {@value #BLOCK}. {@link #block} runs a block without a branch,
 * on the assumption that it holds no rare element (a NaN or an infinity, an element that may raise
 * the needed atol or the max relative error: rare after the first few blocks), and keeps its
 * results only if the assumption held; otherwise {@link #careful} runs the block again, handing each
 * step with a rare lane to {@link FloatPass#elements}. Comparisons of non-negative doubles are made
 * on their bit patterns, which order as the values do: integer max/min need no masks, which JDK 17
 * keeps in vector registers on AVX-512 and which cost a fifth of the pass. The worst element is
 * tracked as a per-lane maximum and found afterwards in the first block that holds it (see
 * {@link FloatPass#endBlock}); histogram buckets are stored per block and counted by a scalar loop,
 * since there is no conflict-free scatter-increment.
 *
 * <p>Neither loop calls a method that the JIT does not inline: on JDK 17, C2 allocates a box for
 * every vector live across such a call, and with {@link FloatPass#elements} called inside the loop
 * the pass allocated 76 MB per million elements and ran 15 times slower. {@link #scan} stops where
 * it meets a rare step instead, and keeps its running sums in an array between calls.
 */
final class VectorFloatPass {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int LANES = D.length();
    private static final VectorSpecies<Long> L = VectorSpecies.of(long.class, D.vectorShape());
    private static final int BLOCK = 1024; // a multiple of every lane count; bucket buffer of 4 KiB
    /** A bucket that no finite error falls in (a NaN's), for the unused end of a bucket buffer. */
    private static final int NO_BUCKET = 0x7FFF;

    private final FloatPass p;
    private final float[] a;
    private final float[] b;
    /** The five running sums (|e|, e^2, x*y, x^2, y^2), lane by lane, between scans. */
    private final double[] sums = new double[5 * LANES];
    /** This block's histogram buckets, and the last block's, counted while this block runs. */
    private int[] buckets = new int[BLOCK];
    private int[] counting = new int[BLOCK];
    private int bucketCount;
    private double blockMax;
    private long mismatches;

    private VectorFloatPass(FloatPass p, float[] a, float[] b) {
        this.p = p;
        this.a = a;
        this.b = b;
    }

    /** Double lanes per step. */
    static int lanes() {
        return LANES;
    }

    /** Whether this JVM's preferred vectors suit the loop: 4 or 8 double lanes (AVX2, AVX-512). */
    static boolean suited() {
        return LANES == 4 || LANES == 8;
    }

    /** Block length, in elements, of the worst-element search and the bucket buffer. */
    static int block() {
        return BLOCK;
    }

    static void run(FloatPass p, float[] a, float[] b) {
        VectorFloatPass v = new VectorFloatPass(p, a, b);
        int len = a.length;
        int vectorEnd = len - len % LANES;
        long common = 0;
        Arrays.fill(v.counting, NO_BUCKET);
        for (int from = 0; from < vectorEnd; from += BLOCK) {
            int to = Math.min(from + BLOCK, vectorEnd);
            boolean clean = v.block(from, to, p.needed <= p.atol); // counts counting[0, to - from)
            p.count(v.counting, to - from, BLOCK);
            if (!clean) {
                v.careful(from, to);
            }
            common += v.bucketCount;
            Arrays.fill(v.buckets, v.bucketCount, BLOCK, NO_BUCKET);
            int[] t = v.counting;
            v.counting = v.buckets;
            v.buckets = t;
            p.endBlock(from, to, v.blockMax);
        }
        p.count(v.counting, 0, BLOCK);
        p.h0[NO_BUCKET] = 0;
        p.h1[NO_BUCKET] = 0;
        p.h2[NO_BUCKET] = 0;
        p.h3[NO_BUCKET] = 0;
        p.elements(a, b, vectorEnd, len);
        p.endBlock(vectorEnd, len, -1);
        p.finite += common;
        p.mismatches += v.mismatches;
        double[] s = v.sums;
        for (int k = 0; k < LANES; k++) {
            p.sumAbs += s[k];
            p.sumSq += s[LANES + k];
            p.dot += s[2 * LANES + k];
            p.normA += s[3 * LANES + k];
            p.normB += s[4 * LANES + k];
        }
    }

    /**
     * Elements {@code from} to {@code to - 1} (whole steps) in one branch-free loop, which also
     * counts the first {@code to - from} buckets of the last block ({@link #counting}) into the
     * histogram: the scalar increments use ports that the vector arithmetic leaves idle. Returns
     * false, having changed nothing else, if a lane held a NaN or an infinity or may raise the needed
     * atol or the max relative error; else adds the block's sums and mismatches and leaves its
     * buckets and its largest error in {@link #buckets} and {@link #blockMax}. With
     * {@code withinAtol} (needed atol <= atol) the mismatches are not counted: a mismatch,
     * {@code e > atol + r >= needed + r}, makes the block rare.
     */
    private boolean block(int from, int to, boolean withinAtol) {
        final float[] a = this.a;
        final float[] b = this.b;
        final int[] buckets = this.buckets;
        final int[] counting = this.counting;
        final int[] h0 = p.h0;
        final int[] h1 = p.h1;
        final int[] h2 = p.h2;
        final int[] h3 = p.h3;
        final double rel = p.maxRel;
        final DoubleVector at = DoubleVector.broadcast(D, p.atol);
        final DoubleVector rt = DoubleVector.broadcast(D, p.rtol);
        final DoubleVector need = DoubleVector.broadcast(D, p.needed);
        // e / |x| may exceed rel only if e > relBelow(rel) * |x| (FloatPass.relBelow); nothing exceeds an
        // infinite rel (and inf * 0 is a NaN, whose bits would read as a threshold below every error)
        final boolean relBounded = rel != Double.POSITIVE_INFINITY;
        final DoubleVector relLo = DoubleVector.broadcast(D, relBounded ? FloatPass.relBelow(rel) : 0);
        DoubleVector sAbs = DoubleVector.zero(D);
        DoubleVector sSq = DoubleVector.zero(D);
        DoubleVector sDot = DoubleVector.zero(D);
        DoubleVector sNa = DoubleVector.zero(D);
        DoubleVector sNb = DoubleVector.zero(D);
        LongVector over = LongVector.zero(L);
        LongVector outside = LongVector.zero(L);
        LongVector laneMax = LongVector.zero(L);
        final int n = to - from;
        for (int nb = 0; nb < n; nb += LANES) { // one induction variable, so that C2 hoists the index checks
            int i = from + nb;
            FloatVector xf = FloatVector.fromArray(F, a, i);
            FloatVector yf = FloatVector.fromArray(F, b, i);
            DoubleVector x = (DoubleVector) xf.castShape(D, 0);
            DoubleVector y = (DoubleVector) yf.castShape(D, 0);
            DoubleVector e = x.sub(y).abs();
            DoubleVector ax = x.abs();
            DoubleVector r = ax.mul(rt);
            LongVector eb = e.reinterpretAsLongs();
            // rare: e > need + r or e > relBelow(rel) * |x|, i.e. bits(e) > the smaller threshold's
            // bits; a NaN threshold (x86's is negative) or a non-finite e counts as rare, or fails
            // the finiteness test below
            LongVector limit = need.add(r).reinterpretAsLongs();
            if (relBounded) { // loop-invariant: C2 compiles the loop once each way
                limit = limit.min(ax.mul(relLo).reinterpretAsLongs());
            }
            over = over.max(eb.sub(limit));
            if (!withinAtol) { // loop-invariant: C2 compiles the loop once each way
                // e > atol + r: bits(atol + r) - bits(e) is negative, its sign bit 1
                outside = outside.add(r.add(at).reinterpretAsLongs().sub(eb).lanewise(VectorOperators.LSHR, 63));
            }
            laneMax = laneMax.max(eb);
            sAbs = sAbs.add(e);
            sSq = sSq.add(e.mul(e));
            // products of two float32 values are exact in double, so a fused multiply-add rounds
            // once, as the scalar path's sum of the product does
            sDot = x.fma(y, sDot);
            sNa = x.fma(x, sNa);
            sNb = y.fma(y, sNb);
            ((FloatVector) e.castShape(F, 0)).reinterpretAsInts().lanewise(VectorOperators.LSHR, 16)
                    .intoArray(buckets, nb);
            // LANES increments, written out (a loop here compiles to 40 instructions of overhead per
            // step); four arrays, so that equal buckets in a row do not wait on each other's stores
            h0[counting[nb]]++;
            h1[counting[nb + 1]]++;
            h2[counting[nb + 2]]++;
            h3[counting[nb + 3]]++;
            if (LANES == 8) { // a constant: C2 keeps one branch or the other
                h0[counting[nb + 4]]++;
                h1[counting[nb + 5]]++;
                h2[counting[nb + 6]]++;
                h3[counting[nb + 7]]++;
            }
        }
        // x^2 of a float32 value cannot overflow a double: a non-finite sum is a NaN or infinity in x or y
        if (over.reduceLanes(VectorOperators.MAX) > 0
                || !Double.isFinite(sNa.reduceLanes(VectorOperators.ADD) + sNb.reduceLanes(VectorOperators.ADD))) {
            return false;
        }
        final double[] sums = this.sums;
        DoubleVector.fromArray(D, sums, 0).add(sAbs).intoArray(sums, 0);
        DoubleVector.fromArray(D, sums, LANES).add(sSq).intoArray(sums, LANES);
        DoubleVector.fromArray(D, sums, 2 * LANES).add(sDot).intoArray(sums, 2 * LANES);
        DoubleVector.fromArray(D, sums, 3 * LANES).add(sNa).intoArray(sums, 3 * LANES);
        DoubleVector.fromArray(D, sums, 4 * LANES).add(sNb).intoArray(sums, 4 * LANES);
        mismatches += outside.reduceLanes(VectorOperators.ADD);
        bucketCount = n;
        blockMax = Double.longBitsToDouble(laneMax.reduceLanes(VectorOperators.MAX));
        return true;
    }

    /** The block again, step by step: a step with a rare lane goes to {@link FloatPass#elements}. */
    private void careful(int from, int to) {
        bucketCount = 0;
        blockMax = -1;
        for (int i = scan(from, to); i < to; i = scan(i + LANES, to)) {
            p.elements(a, b, i, i + LANES);
        }
    }

    /**
     * Steps from {@code i} to {@code to} while every lane is common, and returns where it stopped:
     * {@code to}, or the first step that is not. No call inside the loop (see the class comment).
     */
    private int scan(int i, int to) {
        final float[] a = this.a;
        final float[] b = this.b;
        final int[] buckets = this.buckets;
        final double[] sums = this.sums;
        final DoubleVector at = DoubleVector.broadcast(D, p.atol);
        final DoubleVector rt = DoubleVector.broadcast(D, p.rtol);
        final DoubleVector need = DoubleVector.broadcast(D, p.needed);
        final DoubleVector rel = DoubleVector.broadcast(D, p.maxRel);
        final DoubleVector minPositive = DoubleVector.broadcast(D, Double.MIN_VALUE);
        final DoubleVector maxFinite = DoubleVector.broadcast(D, Double.MAX_VALUE);
        DoubleVector sAbs = DoubleVector.fromArray(D, sums, 0);
        DoubleVector sSq = DoubleVector.fromArray(D, sums, LANES);
        DoubleVector sDot = DoubleVector.fromArray(D, sums, 2 * LANES);
        DoubleVector sNa = DoubleVector.fromArray(D, sums, 3 * LANES);
        DoubleVector sNb = DoubleVector.fromArray(D, sums, 4 * LANES);
        DoubleVector laneMax = DoubleVector.broadcast(D, -1);
        int nb = bucketCount;
        long mis = 0;
        for (; i < to; i += LANES) {
            FloatVector xf = FloatVector.fromArray(F, a, i);
            FloatVector yf = FloatVector.fromArray(F, b, i);
            DoubleVector x = (DoubleVector) xf.castShape(D, 0);
            DoubleVector y = (DoubleVector) yf.castShape(D, 0);
            DoubleVector e = x.sub(y).abs();
            DoubleVector ax = x.abs();
            DoubleVector r = ax.mul(rt);
            // Common lanes: finite (a NaN fails every comparison, an infinity the first one, even
            // where rtol * |x| overflows), within the needed atol's test, and e < max(rel * |x|,
            // smallest positive double), so that e / |x| cannot round above rel: if it did, e would
            // exceed rel * |x| as real numbers and so be at least the product rounded to nearest.
            VectorMask<Double> common = e.compare(VectorOperators.LE, need.add(r).min(maxFinite))
                    .andNot(e.compare(VectorOperators.GE, ax.mul(rel).max(minPositive)));
            if (!common.allTrue()) {
                break;
            }
            sAbs = sAbs.add(e);
            sSq = sSq.add(e.mul(e));
            sDot = sDot.add(x.mul(y));
            sNa = sNa.add(x.mul(x));
            sNb = sNb.add(y.mul(y));
            mis += e.compare(VectorOperators.GT, r.add(at)).trueCount();
            laneMax = laneMax.max(e);
            ((FloatVector) e.castShape(F, 0)).reinterpretAsInts().lanewise(VectorOperators.LSHR, 16)
                    .intoArray(buckets, nb);
            nb += LANES;
        }
        sAbs.intoArray(sums, 0);
        sSq.intoArray(sums, LANES);
        sDot.intoArray(sums, 2 * LANES);
        sNa.intoArray(sums, 3 * LANES);
        sNb.intoArray(sums, 4 * LANES);
        bucketCount = nb;
        mismatches += mis;
        blockMax = Math.max(blockMax, laneMax.reduceLanes(VectorOperators.MAX));
        return i;
    }
}
