/**
 * Tests of the byte parsers, among them coverage-guided fuzz tests with
 * <a href="https://github.com/CodeIntelligenceTesting/jazzer">Jazzer</a> 0.24 (the {@code *FuzzTest}
 * classes).
 *
 * <h2>What is fuzzed</h2>
 *
 * <p>Every {@code @FuzzTest} takes a {@code FuzzedDataProvider}. The fuzzer's bytes do not become the
 * parser's input themselves: through {@link org.camstream.testing.Mutations} they choose which real
 * stream to start from (the Raspberry Pi recordings under {@code ../shared/fixtures/pi-h264/}, read in
 * place, or ffmpeg output made when the test class loads), which window of it, which damage (flipped
 * bits, overwrites with random or with the fuzzer's own bytes, cuts, splices from another stream,
 * duplicated and removed ranges, inserted garbage and format markers), the chunk sizes it is fed in
 * (1 B to 64 KB) and the caps. Coverage guidance works on those choices. Each fuzz test's class javadoc
 * names the one exception it documents; any other exception, and any failed assertion, is a finding.
 *
 * <h2>In {@code mvn test}</h2>
 *
 * <p>{@code default-test} runs every test once, the fuzz tests in Jazzer's regression mode: each on the
 * empty input and on the files under {@code src/test/resources/org/camstream/codec/<package>/<Class>Inputs/<method>/}
 * (seeds and kept findings). Then the {@code fuzz} profile of the pom, active unless {@code -Dtest} is
 * given, fuzzes for real: Jazzer fuzzes only the first {@code @FuzzTest} of a JVM and skips the others,
 * so each class has {@code allFuzzTestsAsOne}, which hands each input to one of the class's fuzz tests
 * as the fuzzer's data chooses, and one fork per class fuzzes it for its {@code BUDGET} (6 to 10 s).
 * Each fuzz test prints one line when its class is done, counted by {@link InputsTried}:
 *
 * <pre>
 * [fuzz] AnnexBReaderFuzzTest.afterGarbageTheCleanStreamComesThroughAgain: 762 inputs tried in 9.0 s (fuzzing)
 * </pre>
 *
 * <p>and libFuzzer its own {@code Done N runs in S second(s)} per fork. In fuzzing mode the count is
 * libFuzzer's executions plus the seed inputs replayed before them; in regression mode, the seeds only.
 *
 * <p>Jazzer's corpus ({@code .cifuzz-corpus/}) and crash files ({@code crash-<sha1>}) go under
 * {@code target/jazzer/} (the pom points {@code jazzer.internal.basedir} there), never into the work
 * tree. The corpus carries over from one run to the next until {@code mvn clean}.
 *
 * <h2>A finding</h2>
 *
 * <p>The failing fuzz test names the exception, and libFuzzer the file it wrote the input to
 * ({@code target/jazzer/crash-<sha1>}). To keep it as a regression test, copy that file into the inputs
 * directory of the fuzz test that found it, {@code src/test/resources/org/camstream/codec/<package>/<Class>Inputs/<method>/};
 * from then on regression mode replays it in every {@code mvn test}, and
 * {@code mvn test -Dtest='<Class>'} replays it alone.
 *
 * <h2>A longer run</h2>
 *
 * <p>One fuzz test for five minutes ({@code jazzer.internal.arg.*} are libFuzzer's arguments as Jazzer's
 * own command line passes them to its JUnit integration; the last {@code -max_total_time} wins over
 * the {@code maxDuration} of the annotation):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn test -Dtest='AnnexBReaderFuzzTest#afterGarbageTheCleanStreamComesThroughAgain' \
 *     -DargLine='-XX:+UseSerialGC -Xmx1g' \
 *     -Djazzer.internal.arg.0=jazzer -Djazzer.internal.arg.1=-max_total_time=300
 * </pre>
 *
 * <p>All of them, one after the other (a little over an hour):
 *
 * <pre>
 * for t in JpegSplitterFuzzTest#{damagedStreamsGiveOnlyWholeImagesWhateverTheChunking,afterGarbageTheCleanStreamComesThroughAgain} \
 *     AnnexBReaderFuzzTest#{damagedStreamsGiveValidNalUnitsWhateverTheChunking,afterGarbageTheCleanStreamComesThroughAgain,aThrowingListenerLosesNoNalUnit} \
 *     AccessUnitAssemblerFuzzTest#{damagedStreamsGivePicturesWithinTheCapsWhateverTheChunking,afterGarbageTheCleanStreamComesThroughAgain,lookingAheadNeverChangesWhereAccessUnitsEnd,aThrowingListenerLosesNoNalUnit} \
 *     SpsParserFuzzTest#{damagedSpsGivesSaneValuesOrTheDocumentedException,bitReaderReadsWhatAPlainReadingOfTheUnescapedBitsReads} \
 *     FlvReaderFuzzTest#{damagedStreamsGiveWholeAccessUnitsWhateverTheChunking,afterGarbageTheCleanStreamComesThroughAgain,aThrowingListenerLosesNothing}; do
 *   JAZZER_FUZZ=1 mvn test -Dtest="$t" -DargLine='-XX:+UseSerialGC -Xmx1g' \
 *       -Djazzer.internal.arg.0=jazzer -Djazzer.internal.arg.1=-max_total_time=300 || break
 * done
 * </pre>
 *
 * <p>With {@code -Dtest} given, the {@code fuzz} profile stays off and {@code default-test} runs just that
 * fuzz test, in fuzzing mode because of {@code JAZZER_FUZZ=1}. This keeps Jazzer's full instrumentation,
 * compare tracing included; {@code -Djazzer.trace=cov:indir} tries about three times as many inputs
 * on the stream parsers, as {@code mvn test} does.
 *
 * <h2>Seeds</h2>
 *
 * <p>The {@code seed-random-64}, {@code -256} and {@code -1024} files in each inputs directory are
 * random bytes (any bytes are a valid input). They give libFuzzer inputs long enough to make every
 * choice from the first second: started from the empty input alone, it grows inputs a few bytes at a
 * time, and a short input runs out of bytes after the first few choices, which then all fall to their
 * smallest value (no damage, single-byte chunks).
 */
package org.camstream.codec;
