package dev.parity.corpus;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parity.errors.BadInputException;
import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Merges the run folders of a sharded run into one: the union of their records (a key found twice
 * must agree, else it is an error), ordered as an unsharded run orders them (the {@code order} every
 * shard's run.json records, so no corpus is needed here), the shards' reproduction inputs and crash
 * reports, and a run.json that names the shards, the earliest start and the latest end.
 *
 * <p>Refused: shards of different requests (named field by field), a missing or repeated shard index,
 * and unfinished shards, unless {@code allowPartial}: then every pair without a record is recorded as
 * {@code missing}, which fails the gate.
 */
public final class RunMerge {
    private RunMerge() {}

    /** The merged records. */
    public record Result(List<RunRecord> records) {}

    public static Result merge(List<Path> shards, Path out) throws IOException, BadInputException {
        return merge(shards, out, false);
    }

    public static Result merge(List<Path> shards, Path out, boolean allowPartial) throws IOException, BadInputException {
        if (Files.exists(out.resolve(CorpusRun.RESULTS))) {
            throw new BadInputException(out + " already holds a run; merge into an empty folder");
        }
        Map<String, RunRecord> byKey = new LinkedHashMap<>();
        List<Map<String, Object>> infos = new ArrayList<>();
        for (Path s : shards) {
            Path results = s.resolve(CorpusRun.RESULTS);
            if (!Files.isRegularFile(results)) {
                throw new BadInputException("not a run folder (no " + CorpusRun.RESULTS + "): " + s);
            }
            for (RunRecord r : CorpusRun.recover(results).values()) {
                RunRecord prev = byKey.putIfAbsent(r.key(), r);
                if (prev != null && prev.outcome() != r.outcome()) {
                    throw new BadInputException("shards disagree on " + r.key() + ": " + prev.outcome().label() + " vs "
                            + r.outcome().label());
                }
            }
            Path rj = s.resolve(CorpusRun.RUN_JSON);
            if (Files.isRegularFile(rj)) {
                infos.add(ResultJson.mapper().readValue(rj.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {}));
            }
        }
        checkShards(shards, infos);
        List<String> unfinished = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            Map<String, Object> info = infos.get(i);
            Object plan = info.get("plan");
            long mine = CorpusRun.recover(shards.get(i).resolve(CorpusRun.RESULTS)).size();
            boolean finished = info.get("finished") != null && !(plan instanceof List<?> l && mine < l.size());
            if (!finished) {
                unfinished.add(shards.get(i) + " (" + mine + (plan instanceof List<?> l ? " of " + l.size() : "") + " pairs)");
            }
        }
        if (!unfinished.isEmpty() && !allowPartial) {
            throw new BadInputException("merge: unfinished shard(s) " + unfinished + "; rerun each shard's own command to "
                    + "finish it, or merge with --allow-partial to record the missing pairs as missing");
        }
        List<RunRecord> records = new ArrayList<>(byKey.values());
        List<String> missing = new ArrayList<>();
        if (!unfinished.isEmpty()) {
            for (Object k : infos.get(0).get("order") instanceof List<?> l ? l : List.of()) {
                if (!byKey.containsKey(k.toString())) {
                    missing.add(k.toString());
                    records.add(missingRecord(k.toString(), String.valueOf(infos.get(0).get("generation"))));
                }
            }
        }
        Map<String, Integer> order = order(infos);
        records.sort(Comparator.comparingInt((RunRecord r) -> order.getOrDefault(r.key(), Integer.MAX_VALUE))
                .thenComparing(RunRecord::key));
        Files.createDirectories(out);
        ObjectMapper line = ResultJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);
        StringBuilder sb = new StringBuilder();
        for (RunRecord r : records) {
            sb.append(line.writeValueAsString(r)).append('\n');
        }
        Files.writeString(out.resolve(CorpusRun.RESULTS), sb, StandardCharsets.UTF_8);
        for (Path s : shards) {
            for (String sub : List.of("repro", "crashes")) {
                copyTree(s.resolve(sub), out.resolve(sub));
            }
        }
        Map<String, Object> info = new LinkedHashMap<>(infos.isEmpty() ? Map.of() : infos.get(0));
        info.remove("shard");
        info.remove("resumed");
        info.put("merged_from", shards.stream().map(Path::toString).toList());
        info.put("started", infos.stream().map(i -> String.valueOf(i.get("started"))).min(String::compareTo).orElse(null));
        info.put("finished", infos.stream().map(i -> String.valueOf(i.get("finished"))).max(String::compareTo).orElse(null));
        info.put("pairs", records.size());
        info.put("counts", CorpusRun.counts(records));
        info.put("complete", unfinished.isEmpty());
        info.put("missing", missing);
        info.put("unexpected", records.stream().filter(RunRecord::failsGate).map(RunRecord::key).toList());
        ResultJson.write(info, out.resolve(CorpusRun.RUN_JSON));
        return new Result(records);
    }

    /**
     * The runs must be the shards of one run: the same generation and request, and each shard index
     * K of N exactly once, so a missing or failed shard cannot shrink the merged report unnoticed.
     */
    static void checkShards(List<Path> shards, List<Map<String, Object>> infos) throws BadInputException {
        if (infos.size() != shards.size()) {
            throw new BadInputException("merge: every shard needs its run.json");
        }
        java.util.Set<Object> generations = new java.util.HashSet<>();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        Integer count = null;
        for (int i = 0; i < infos.size(); i++) {
            Map<String, Object> info = infos.get(i);
            generations.add(info.get("generation"));
            Object s = info.get("shard");
            if (s == null) {
                if (infos.size() > 1) {
                    throw new BadInputException("merge: " + shards.get(i) + " is not a shard (no --shard); merge the shards of one run");
                }
                continue;
            }
            Shard sh = Shard.parse(s.toString());
            if (count != null && count != sh.count()) {
                throw new BadInputException("merge: shards of different splits (" + count + " and " + sh.count() + ")");
            }
            count = sh.count();
            if (!seen.add(sh.index() + "/" + sh.count())) {
                throw new BadInputException("merge: shard " + sh.index() + "/" + sh.count() + " given twice");
            }
        }
        Map<String, Object> first = infos.get(0);
        for (int i = 1; i < infos.size(); i++) {
            List<String> diffs = new ArrayList<>();
            for (String f : RunFolder.SAME_REQUEST) {
                Object a = first.get("request") instanceof Map<?, ?> ra ? ra.get(f) : null;
                Object b = infos.get(i).get("request") instanceof Map<?, ?> rb ? rb.get(f) : null;
                if (!f.equals("shard") && !String.valueOf(a).equals(String.valueOf(b))) {
                    diffs.add(f + " " + a + " vs " + b);
                }
            }
            if (!diffs.isEmpty()) {
                throw new BadInputException("merge: " + shards.get(i) + " was run with another request than " + shards.get(0)
                        + " (" + String.join("; ", new java.util.TreeSet<>(diffs)) + ")");
            }
        }
        if (generations.size() > 1) {
            throw new BadInputException("merge: the runs are of different generations " + generations
                    + "; use parity compare for that");
        }
        if (count != null && seen.size() != count) {
            List<String> missing = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                if (!seen.contains(k + "/" + count)) {
                    missing.add(k + "/" + count);
                }
            }
            throw new BadInputException("merge: shard(s) " + missing + " missing; a merged run needs all " + count);
        }
    }

    /** A pair its unfinished shard never recorded. */
    static RunRecord missingRecord(String key, String generation) {
        int slash = key.indexOf('/');
        int hash = key.indexOf('#');
        String model = slash < 0 ? key : key.substring(0, slash);
        String config = slash < 0 ? "" : key.substring(slash + 1, hash < 0 ? key.length() : hash);
        return new RunRecord(key, model, config, generation, null, null, Outcome.MISSING, "failed", null,
                "no record: the shard that owns this pair did not finish", null, null, null, null, null, null, null, 0, null,
                null, hash < 0 ? "cpu" : key.substring(hash + 1)).expecting(
                        new dev.parity.result.Expectation(Outcome.FAITHFUL, null, "merge"));
    }

    /**
     * Position of every key in an unsharded run: the order the shards recorded (they all record the
     * whole selection's), else, for runs made before that, the corpus's if it is at hand.
     */
    private static Map<String, Integer> order(List<Map<String, Object>> infos) {
        Map<String, Integer> order = new LinkedHashMap<>();
        if (infos.isEmpty()) {
            return order;
        }
        if (infos.get(0).get("order") instanceof List<?> recorded) {
            for (Object k : recorded) {
                order.putIfAbsent(k.toString(), order.size());
            }
            return order;
        }
        if (!(infos.get(0).get("request") instanceof Map)) {
            return order;
        }
        try {
            RunRequest req = ResultJson.mapper().convertValue(infos.get(0).get("request"), RunRequest.class);
            Manifest m = ManifestLoader.load(req.corpus());
            List<dev.parity.engine.Placement> placements = CorpusRun.placements(req);
            int i = 0;
            for (dev.parity.engine.Placement pl : placements) {
                String g = req.generation() != null ? req.generation() : m.referenceGeneration();
                for (CorpusRun.Pair p : CorpusRun.select(m, g, req.models(), req.configs())) {
                    order.put(CorpusRun.key(p, pl, placements), i++);
                }
            }
        } catch (BadInputException | IllegalArgumentException e) {
            // no corpus here: keys sort alphabetically
        }
        return order;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
