package dev.parity.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parity.engine.LoadedReferences;
import dev.parity.isolation.TaskFailure;
import dev.parity.isolation.TaskHandler;
import dev.parity.result.ResultJson;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The worker side of a corpus pair: checks it and answers its {@link dev.parity.result.RunRecord}. The
 * worker keeps the TorchScript engines of the model whose pairs it is checking ({@link LoadedReferences})
 * until a pair of another model comes, or the worker ends.
 */
public final class PairTaskHandler implements TaskHandler {
    public static final String KIND = "pair";

    /** One pair for a worker: the run request, the pair's key, its placement and record key. */
    public record Task(RunRequest request, String generation, String pair, String placement, String key) {}

    private final Map<String, Manifest> manifests = new HashMap<>();
    private final LoadedReferences references = new LoadedReferences();
    private final ObjectMapper json = ResultJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String handle(String text, Consumer<String> progress) throws TaskFailure {
        try {
            Task t = json.readValue(text, Task.class);
            Manifest m = manifests.get(t.request().corpus().toString());
            if (m == null) {
                m = ManifestLoader.load(t.request().corpus());
                manifests.put(t.request().corpus().toString(), m);
            }
            CorpusRun.Pair pair = CorpusRun.select(m, t.generation(), "*", "*").stream().filter(p -> p.key().equals(t.pair())).findFirst()
                    .orElseThrow(() -> new TaskFailure("bad-input", "no pair " + t.pair() + " in " + t.request().corpus()));
            references.forModel(pair.model().name());
            return json.writeValueAsString(CorpusRun.checkPair(t.request(), t.generation(), pair,
                    CorpusRun.readProvenance(t.request().corpus(), pair.model().name(), t.generation()),
                    dev.parity.engine.Placement.parse(t.placement()), t.key(), references));
        } catch (dev.parity.errors.BadInputException e) {
            throw new TaskFailure("bad-input", e.getMessage());
        } catch (IOException e) {
            throw new TaskFailure("internal", "pair task: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        references.close();
    }
}
