package dev.parity.engine;

import dev.parity.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reusable native-order direct buffers, one per input slot, that an engine fills with a tensor's
 * bytes for each call: one copy, and no direct allocation (with its zeroing and cleaner) per call.
 * The copy keeps {@link Tensor}s immutable even when a model writes into its inputs in place.
 * Owned by one engine; not thread-safe.
 */
final class Staging {
    private ByteBuffer[] slots = new ByteBuffer[0];

    /** A direct buffer holding {@code t}'s elements, positioned at 0 with its limit at the data's end. */
    ByteBuffer fill(int slot, Tensor t) {
        if (slot >= slots.length) {
            slots = java.util.Arrays.copyOf(slots, slot + 1);
        }
        int bytes = t.size() * t.dtype().byteSize();
        ByteBuffer b = slots[slot];
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect(Math.max(bytes, 16)).order(ByteOrder.nativeOrder());
            slots[slot] = b;
        }
        b.clear();
        t.writeTo(b);
        b.position(0).limit(bytes);
        return b;
    }
}
