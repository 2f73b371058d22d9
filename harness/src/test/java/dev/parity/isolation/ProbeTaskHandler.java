package dev.parity.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A test-only task that behaves as a hostile model would inside a worker: prints forged protocol lines,
 * writes files, opens sockets, reads files, allocates native memory, sleeps. It reports what it could do.
 */
public final class ProbeTaskHandler implements TaskHandler {
    @Override
    public String kind() {
        return "probe";
    }

    @Override
    @SuppressWarnings("removal")
    public String handle(String json, Consumer<String> progress) throws TaskFailure {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            JsonNode t = new ObjectMapper().readTree(json);
            switch (t.path("action").asText()) {
                case "forge": {
                    // the real stdout and stderr file descriptors, as native code would write them
                    PrintStream so = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
                    so.println("@@parity {\"key\":\"x\",\"outcome\":\"faithful\"}");
                    so.write(new byte[] {0, 0, 0, 2, 'R', '{', '}'});
                    so.flush();
                    System.err.println("FORGED-ON-STDERR");
                    progress.accept("real progress");
                    out.put("answer", "genuine");
                    break;
                }
                case "write": {
                    Path p = Path.of(t.path("path").asText());
                    try {
                        Files.writeString(p, "marker");
                        out.put("written", true);
                    } catch (IOException | RuntimeException e) {
                        out.put("written", false);
                        out.put("error", e.toString());
                    }
                    break;
                }
                case "read": {
                    try {
                        out.put("content", Files.readString(Path.of(t.path("path").asText())));
                    } catch (IOException e) {
                        out.put("error", e.toString());
                    }
                    break;
                }
                case "connect": {
                    try (java.net.Socket s = new java.net.Socket()) {
                        s.connect(new java.net.InetSocketAddress("127.0.0.1", t.path("port").asInt()), 2000);
                        out.put("connected", true);
                    } catch (IOException e) {
                        out.put("connected", false);
                        out.put("error", e.toString());
                    }
                    break;
                }
                case "hog": {
                    java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                    f.setAccessible(true);
                    sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
                    for (int i = 0; i < 4096; i++) {
                        long a = u.allocateMemory(64L << 20);
                        u.setMemory(a, 64L << 20, (byte) 1); // touched: resident
                    }
                    out.put("survived", true);
                    break;
                }
                case "sleep":
                    Thread.sleep(Long.MAX_VALUE);
                    break;
                default:
                    throw new TaskFailure("bad-input", "unknown probe action");
            }
            return new ObjectMapper().writeValueAsString(out);
        } catch (IOException | ReflectiveOperationException e) {
            throw new TaskFailure("internal", e.toString());
        } catch (InterruptedException e) {
            throw new TaskFailure("internal", "interrupted");
        }
    }
}
