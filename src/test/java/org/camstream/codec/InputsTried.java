package org.camstream.codec;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Counts the inputs each {@code @FuzzTest} method is run on and prints one line per fuzz test when
 * its class is done, so that a build log says how much every run of the suite tried:
 *
 * <pre>
 * [fuzz] AnnexBReaderFuzzTest.afterGarbageTheCleanStreamComesThroughAgain: 41523 inputs tried in 10.0 s (fuzzing); ...
 * </pre>
 *
 * <p>A fuzz test calls {@link #count()} first thing, once per input, and may label what the input
 * did with {@link Tally#outcome}; the class registers this as an extension. In fuzzing mode the
 * count is libFuzzer's executions plus the seed inputs run before them; in regression mode it is the
 * seed inputs only (the empty input and the files under {@code <TestClass>Inputs/<method>/}).
 */
public final class InputsTried implements AfterAllCallback {
    private static final Map<String, Tally> TALLIES = new ConcurrentHashMap<>();
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** The inputs one fuzz test was run on, and what they did. */
    public static final class Tally {
        private final Class<?> testClass;
        private final String method;
        private long inputs;
        private long firstNanos;
        private long lastNanos;
        private final Map<String, Long> outcomes = new TreeMap<>();

        private Tally(Class<?> testClass, String method) {
            this.testClass = testClass;
            this.method = method;
        }

        private synchronized void tried() {
            long now = System.nanoTime();
            if (inputs++ == 0) firstNanos = now;
            lastNanos = now;
        }

        /** Counts one input under {@code label}, for the distribution in the closing line. */
        public synchronized void outcome(String label) {
            outcomes.merge(label, 1L, Long::sum);
        }

        synchronized String line() {
            String mode = fuzzing() ? "fuzzing" : "regression mode, seeds only";
            String line = String.format(Locale.ROOT, "[fuzz] %s.%s: %d inputs tried in %.1f s (%s)",
                    testClass.getSimpleName(), method, inputs, (lastNanos - firstNanos) / 1e9, mode);
            if (outcomes.isEmpty()) return line;
            return line + "; " + outcomes.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.1f%%", e.getKey(), 100.0 * e.getValue() / inputs))
                    .collect(Collectors.joining(", "));
        }
    }

    /** Counts one input for the calling fuzz test method; returns its tally for outcome labels. */
    public static Tally count() {
        StackWalker.StackFrame caller = WALKER.walk(frames -> frames.skip(1).findFirst()).orElseThrow();
        Tally tally = TALLIES.computeIfAbsent(caller.getClassName() + "#" + caller.getMethodName(),
                key -> new Tally(caller.getDeclaringClass(), caller.getMethodName()));
        tally.tried();
        return tally;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        TALLIES.values().stream()
                .filter(t -> t.testClass == testClass)
                .map(Tally::line)
                .sorted()
                .forEach(System.out::println);
        TALLIES.values().removeIf(t -> t.testClass == testClass);
    }

    /** The way Jazzer 0.24 decides (its Utils.isFuzzing): JAZZER_FUZZ set to true, 1 or yes, in the environment or as a system property. */
    static boolean fuzzing() {
        return truthy(System.getenv("JAZZER_FUZZ")) || truthy(System.getProperty("JAZZER_FUZZ"));
    }

    private static boolean truthy(String value) {
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1") || value.equalsIgnoreCase("yes"));
    }
}
