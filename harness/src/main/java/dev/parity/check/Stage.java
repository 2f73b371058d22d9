package dev.parity.check;

/**
 * A step of checking one pair, as its wall time is broken down ({@link StageTimes}, the {@code stages}
 * of a run record, a run's {@code stages.md}). The label is what records and reports write.
 */
public enum Stage {
    /** Starting a worker JVM (the pair that needed a fresh worker pays it). */
    WORKER_START("worker_start"),
    /** The sha256 pins of every file the pair loads (corpus runs). */
    INTEGRITY("integrity"),
    /** Safety scan of the TorchScript archives, sha256 of both model files, the reference's traits. */
    FILE_CHECKS("file_checks"),
    /** The engines' native libraries loaded (the first check in a process) and their versions read; devices checked. */
    ENGINE_INIT("engine_init"),
    LOAD_ONNX("load_onnx"),
    LOAD_TORCH("load_torch"),
    LOAD_TWIN("load_twin"),
    /** Planning and generating the cases' inputs, reading the labelled data. */
    INPUTS("inputs"),
    /** The reference on every case, and its repeat on case 0. */
    INFER_TORCH("infer_torch"),
    INFER_ONNX("infer_onnx"),
    INFER_TWIN("infer_twin"),
    /** The reference on one-ulp-perturbed inputs (tolerance mode's noise estimate). */
    INFER_PERTURBED("infer_perturbed"),
    /** The oracles: every output of every case judged. */
    JUDGE("judge"),
    /** The inputs of non-faithful cases written to the run's repro folder. */
    REPRO_WRITE("repro_write"),
    /** Both models on the labelled data. */
    ACCURACY("accuracy"),
    /** Warm latency of both engines (one warm-up and the timed calls each). */
    LATENCY("latency"),
    LOCALIZE("localize"),
    /** A discrepant export rerun with ONNX Runtime's optimisations disabled. */
    OPTIMIZATION_PROBE("optimization_probe"),
    /** Closing the pair's engines. */
    CLOSE("close"),
    /** Between the run and its worker: the task and the record as JSON, the channel, the wait for a free worker. */
    PROTOCOL("protocol");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
