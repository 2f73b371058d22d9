package dev.parity.reports;

import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.io.StringWriter;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code junit.xml}: one testsuite per run, one testcase per model x configuration, what fails the
 * gate first; unexpected discrepancies are failures, unexpected engine and export failures errors,
 * expected problems skipped, each message with the reason, the cause and the worst element;
 * provenance, the model's note and the worst element go into properties. Jenkins,
 * GitLab and GitHub render it natively.
 */
public final class JUnitReport {
    private JUnitReport() {}

    public static String render(RunData data) {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element suite = doc.createElement("testsuite");
            doc.appendChild(suite);
            int failures = 0;
            int errors = 0;
            double time = 0;
            int skipped = 0;
            for (RunRecord r : data.records().stream().sorted(RunRecord.REPORT_ORDER).toList()) {
                Element tc = doc.createElement("testcase");
                tc.setAttribute("classname", "parity." + data.generation() + "." + r.model());
                tc.setAttribute("name", r.key().contains("#") ? r.config() + "#" + r.placement() : r.config());
                tc.setAttribute("time", String.format(Locale.ROOT, "%.3f", r.seconds()));
                time += r.seconds();
                Element props = doc.createElement("properties");
                prop(doc, props, "outcome", r.outcome().label());
                prop(doc, props, "family", r.family());
                if (r.export() != null) {
                    prop(doc, props, "converter", "torch " + r.export().torchVersion());
                    prop(doc, props, "opset", Integer.toString(r.export().opset()));
                    prop(doc, props, "onnx_sha256", r.export().sha256());
                }
                if (r.worstRatio() != null) {
                    prop(doc, props, "worst_ratio", Html.num(r.worstRatio()));
                }
                tc.appendChild(props);
                prop(doc, props, "expected", r.expected());
                prop(doc, props, "expectation", r.status() == null ? null : r.status().label());
                prop(doc, props, "cause", r.cause());
                prop(doc, props, "note", r.note());
                String worst = r.outcome().isProblem() ? RunTable.worstElement(r) : null;
                prop(doc, props, "worst_element", worst);
                if (!r.failsGate() && r.outcome().isProblem()) {
                    // a known problem, as expected: not a failure of this build, but never hidden
                    Element sk = doc.createElement("skipped");
                    sk.setAttribute("message", "expected " + r.outcome().label() + ": " + RunTable.cause(r)
                            + " | reason: " + RunTable.reason(r) + " | worst element: " + worst);
                    tc.appendChild(sk);
                    skipped++;
                } else if (r.status() == dev.parity.result.ExpectationStatus.FIXED) {
                    Element f = doc.createElement("failure");
                    String msg = "fixed: expected " + r.expected() + " (" + r.cause() + "), now faithful; update the "
                            + "expectation once you know why";
                    f.setAttribute("message", msg);
                    f.setAttribute("type", "fixed");
                    f.setTextContent(msg);
                    tc.appendChild(f);
                    failures++;
                } else if (r.outcome().isProblem()) {
                    boolean discrepancy = r.outcome() == Outcome.NONDETERMINISTIC_REFERENCE || r.outcome() == Outcome.NUMERIC_DISCREPANCY || r.outcome() == Outcome.SHAPE_MISMATCH
                            || r.outcome() == Outcome.ACCURACY_DISCREPANCY || r.outcome() == Outcome.DEVICE_DISCREPANCY
                            || r.outcome() == Outcome.OPTIMIZATION_DISCREPANCY;
                    Element f = doc.createElement(discrepancy ? "failure" : "error");
                    String msg = (r.status() != null ? "unexpected " : "") + r.outcome().label()
                            + (r.expected() != null ? " (expected " + r.expected() + ")" : "")
                            + (r.worstRatio() != null ? ", worst ratio " + Html.num(r.worstRatio()) : "")
                            + (r.accuracyDelta() != null ? String.format(Locale.ROOT, ", accuracy delta %+.4f", r.accuracyDelta()) : "")
                            + ": " + RunTable.reason(r)
                            + " | cause: " + RunTable.cause(r)
                            + " | worst element: " + worst;
                    f.setAttribute("message", msg);
                    f.setAttribute("type", r.outcome().label());
                    f.setTextContent(msg);
                    tc.appendChild(f);
                    if (discrepancy) {
                        failures++;
                    } else {
                        errors++;
                    }
                }
                suite.appendChild(tc);
            }
            suite.setAttribute("name", "parity " + data.generation());
            suite.setAttribute("tests", Integer.toString(data.records().size()));
            suite.setAttribute("failures", Integer.toString(failures));
            suite.setAttribute("errors", Integer.toString(errors));
            suite.setAttribute("skipped", Integer.toString(skipped));
            suite.setAttribute("time", String.format(Locale.ROOT, "%.3f", time));
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(w));
            return w.toString();
        } catch (ParserConfigurationException | TransformerException e) {
            throw new IllegalStateException("the JDK's XML support failed", e);
        }
    }

    private static void prop(Document doc, Element props, String name, String value) {
        if (value == null) {
            return;
        }
        Element p = doc.createElement("property");
        p.setAttribute("name", name);
        p.setAttribute("value", value);
        props.appendChild(p);
    }
}
