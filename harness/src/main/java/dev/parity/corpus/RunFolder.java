package dev.parity.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parity.errors.BadInputException;
import dev.parity.result.ResultJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A run folder held by one run at a time: an exclusive lock on {@code .lock} (an OS file lock, released
 * when the process dies however it dies), with the holder's pid written in it for the message a second
 * run gets. Opening refuses, as bad input with one line, a folder that is a file, cannot be created or
 * written, or is held by another live run.
 */
public final class RunFolder implements AutoCloseable {
    public static final String LOCK = ".lock";

    /** Request fields that change what a run computes; the others (workers, limits, out) may differ on resume. */
    static final Set<String> SAME_REQUEST = Set.of("corpus", "generation", "models", "configs", "seed", "use_twins",
            "threads", "noise_factor", "matrix", "shard", "torch_device", "localize", "baseline");

    private final FileChannel channel;
    private final FileLock lock;

    private RunFolder(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static RunFolder open(Path dir) throws BadInputException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInputException("--out " + dir + " is a file, not a run folder");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException("cannot create run folder " + dir + ": " + reason(e), e);
        }
        if (!Files.isWritable(dir)) {
            throw new BadInputException("run folder " + dir + " is not writable");
        }
        Path file = dir.resolve(LOCK);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new BadInputException("cannot write run folder " + dir + ": " + reason(e), e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            close(ch);
            throw new BadInputException("cannot lock run folder " + dir + ": " + reason(e), e);
        }
        if (lock == null) {
            String holder = "another process";
            try {
                String pid = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!pid.isEmpty()) {
                    holder = "pid " + pid;
                }
            } catch (IOException e) {
                // the holder's pid is only for the message
            }
            close(ch);
            throw new BadInputException("run folder " + dir + " is in use by " + holder
                    + " (a run is writing it); wait for it, or use another --out");
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
        } catch (IOException e) {
            close(ch);
            throw new BadInputException("cannot write run folder " + dir + ": " + reason(e), e);
        }
        return new RunFolder(ch, lock);
    }

    /**
     * How the request stored in a folder's run.json differs from {@code req} in the fields that change
     * results, e.g. {@code generation: torch-2.6.0 here, torch-1.13.1 in the folder}; null when the same.
     */
    static String difference(Path dir, RunRequest req) throws BadInputException {
        Path rj = dir.resolve(CorpusRun.RUN_JSON);
        JsonNode stored;
        try {
            stored = Files.isRegularFile(rj) ? ResultJson.mapper().readTree(rj.toFile()).get("request") : null;
        } catch (IOException e) {
            throw new BadInputException(rj + " is damaged: " + reason(e), e);
        }
        if (stored == null) {
            return "the folder records no request";
        }
        JsonNode mine = ResultJson.mapper().valueToTree(req);
        List<String> diffs = new ArrayList<>();
        for (Iterator<String> it = mine.fieldNames(); it.hasNext();) {
            String f = it.next();
            // compared as text: a long written to run.json reads back as an int node
            if (SAME_REQUEST.contains(f) && !mine.path(f).toString().equals(stored.path(f).toString())) {
                diffs.add(f + ": " + mine.path(f) + " here, " + stored.path(f) + " in the folder");
            }
        }
        return diffs.isEmpty() ? null : String.join("; ", diffs);
    }

    static String reason(IOException e) {
        String m = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(m);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing held
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        close(channel);
    }
}
