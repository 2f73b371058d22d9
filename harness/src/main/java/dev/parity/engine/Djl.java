package dev.parity.engine;

/**
 * DJL settings the library makes itself, before DJL's engine first loads: offline mode, so that
 * nothing is downloaded (libtorch comes from the pytorch-native-cpu jar) and no call home is made,
 * whoever the caller is (the CLI, a JUnit test, a user's program). A caller that set
 * {@code ai.djl.offline} itself keeps its value.
 */
final class Djl {
    private Djl() {}

    static void offline() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }
}
