package dev.parity.corpus;

import dev.parity.errors.BadInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A deterministic share of the pairs: pair {@code model/config} belongs to shard K of N when the
 * first 8 bytes of sha256(key), as a long, are K modulo N. Assignment depends on the key alone,
 * so adding models to the corpus never moves an existing pair to another shard.
 */
public record Shard(int index, int count) {
    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " is not in 0.." + (count - 1) + "/" + count);
        }
    }

    /** Parses {@code K/N} (0-based K, as Kubernetes' JOB_COMPLETION_INDEX). */
    public static Shard parse(String text) throws BadInputException {
        String[] p = text.trim().split("/");
        try {
            if (p.length == 2) {
                return new Shard(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--shard '" + text + "': " + e.getMessage(), e);
        }
        throw new BadInputException("--shard '" + text + "' is not K/N (e.g. 0/3, with 0 <= K < N)");
    }

    public boolean owns(String pairKey) {
        return Math.floorMod(hash(pairKey), count) == index;
    }

    static long hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
