package dev.parity.check;

import dev.parity.errors.BadInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parity.isolation.TaskFailure;
import dev.parity.isolation.TaskHandler;
import dev.parity.result.ResultJson;
import java.io.IOException;
import java.util.function.Consumer;

/** The worker side of {@link IsolatedCheck}: runs one {@link CheckRequest} and answers its result. */
public final class CheckTaskHandler implements TaskHandler {
    public static final String KIND = "check";

    private final ObjectMapper json = ResultJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String handle(String text, Consumer<String> progress) throws TaskFailure {
        CheckRequest req;
        try {
            req = json.readValue(text, CheckRequest.class);
        } catch (IOException e) {
            throw new TaskFailure("internal", "unreadable check request: " + e.getMessage());
        }
        try {
            return json.writeValueAsString(ParityCheck.run(req, new CheckListener() {
                @Override
                public void caseStarted(int index, int total, String regime) {
                    progress.accept(index + " " + total + " " + regime);
                }
            }));
        } catch (dev.parity.safety.UnsafeModelException e) {
            throw new TaskFailure(IsolatedCheck.UNSAFE, e.getMessage());
        } catch (dev.parity.engine.DeviceUnavailableException e) {
            throw new TaskFailure(IsolatedCheck.DEVICE, e.getMessage());
        } catch (BadInputException e) {
            throw new TaskFailure(IsolatedCheck.BAD_INPUT, e.getMessage());
        } catch (IOException e) {
            throw new TaskFailure("internal", "cannot encode the result: " + e.getMessage());
        }
    }
}
