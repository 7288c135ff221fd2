package org.camstream.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core, from the repository's {@code node_modules} (installed by {@code .ci/run} with {@code npm ci}),
 * run inside the page a test has open: the accessibility rules of WCAG 2.1 levels A and AA.
 */
public final class Axe {

    public static final Path SCRIPT = Path.of("node_modules", "axe-core", "axe.min.js");

    private Axe() {
    }

    /** One line per violation: rule, impact, and the elements that break it. Empty when the page passes. */
    @SuppressWarnings("unchecked")
    public static List<String> violations(WebDriver driver) throws IOException {
        if (!Files.isReadable(SCRIPT)) {
            throw new AssertionError("accessibility tests need axe-core in " + SCRIPT.toAbsolutePath()
                    + ": run `npm ci` in the repository (bash .ci/run does)");
        }
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(Files.readString(SCRIPT, StandardCharsets.UTF_8));
        Object result = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                + ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                + " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))))"
                + ".catch(e => done([{id: 'axe-error', impact: 'fatal', help: String(e), nodes: []}]));");
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> v : (List<Map<String, Object>>) result) {
            lines.add(v.get("id") + " (" + v.get("impact") + "): " + v.get("help") + " " + v.get("nodes"));
        }
        return lines;
    }
}
