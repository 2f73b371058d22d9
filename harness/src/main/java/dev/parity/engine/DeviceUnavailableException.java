package dev.parity.engine;

import dev.parity.errors.BadInputException;

/**
 * A device was asked for that this machine or this build cannot provide (CUDA without the GPU
 * build of ONNX Runtime, without a CUDA libtorch, or without a GPU). Raised before any work
 * starts; the CLI exits 6 and says what to install or which profile to build.
 */
public final class DeviceUnavailableException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public DeviceUnavailableException(String message) {
        super(message);
    }
}
