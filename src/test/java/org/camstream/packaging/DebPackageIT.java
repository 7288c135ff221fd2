package org.camstream.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipFile;
import org.camstream.config.Setting;
import org.camstream.testing.FreePorts;
import org.camstream.testing.Poll;
import org.camstream.testing.WarProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package that {@code mvn package} builds, {@code target/camstream_<version>_all.deb}: its control
 * fields and files, lintian, and a real install on this machine with {@code dpkg}: the user, the unit
 * ({@code systemd-analyze verify} and {@code security}), the unit's {@code ExecStart} run by hand as the user
 * {@code camstream} the way systemd would (its EnvironmentFile, user, groups and working directory) until it
 * serves {@code /snapshot.jpg} and records, its class-data archive (AppCDS: made at the first stop, mapped by the
 * next start, made again when damaged or after an upgrade), an upgrade, {@code dpkg -r} and {@code dpkg -P}.
 *
 * <p>It needs root, dpkg, lintian and systemd-analyze (packages lintian and systemd), and a machine where
 * package {@code camstream} is not installed and neither the user {@code camstream}, {@code /var/lib/camstream} nor
 * {@code /var/cache/camstream} exists: it installs the package for real and purges it at the end, also when it fails. Otherwise it is skipped,
 * unless CAMSTREAM_REQUIRE_DEB=1 (as in CI), which makes it a failure. Where systemd runs (not in CI's container),
 * the postinst also starts camstream.service until the purge, on its default ports 8080 and 8554.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DebPackageIT {

    private static final String PACKAGE = "camstream";
    private static final Path TARGET = Path.of(System.getProperty("camstream.war", "target/camstream.war"))
            .toAbsolutePath().getParent();
    private static final Path WAR = TARGET.resolve("camstream.war");
    private static final Path SOURCES = Path.of("src/deb");
    private static final Path UNIT = Path.of("/lib/systemd/system/camstream.service");
    private static final Path DEFAULTS = Path.of("/etc/default/camstream");
    private static final Path STATE = Path.of("/var/lib/camstream");
    private static final Path INSTALLED_WAR = Path.of("/usr/share/camstream/camstream.war");
    private static final Path DOC = Path.of("/usr/share/doc/camstream");
    private static final Path WRAPPER = Path.of("/usr/libexec/camstream/java-appcds");
    /** The unit's CacheDirectory=: the launcher's unpacked server and java-appcds' class-data archive. */
    private static final Path CACHE = Path.of("/var/cache/camstream");

    /**
     * The lintian warnings accepted, with the reason for each. Every other warning, and every error, fails the
     * test. (Lintian 2.116 of Debian bookworm, lintian's default profile, errors and warnings only.)
     */
    private static final Map<String, String> ACCEPTED_LINTIAN_WARNINGS = Map.of(
            "non-standard-file-perm", "/etc/default/camstream is 0600, not 0644: it may hold passwords (admin-password,"
                    + " an input or relay URL), and only systemd, as root, reads it");

    /**
     * The highest exposure level {@code systemd-analyze security --offline=true} may give the unit; the docs give
     * the level measured (docs/debian.md), so a change that weakens the sandbox fails here.
     */
    private static final double MAX_EXPOSURE = 3.1;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path temp;

    @BeforeEach
    void canInstallPackages() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("/usr/bin/dpkg", "/usr/bin/dpkg-deb", "/usr/bin/dpkg-query", "/usr/bin/lintian",
                "/usr/bin/systemd-analyze", "/usr/bin/setpriv")) {
            if (!Files.isExecutable(Path.of(tool))) {
                missing.add(tool);
            }
        }
        String uid = Files.isExecutable(Path.of("/usr/bin/id")) ? run(List.of("id", "-u")).out.strip() : "";
        if (!uid.equals("0")) {
            missing.add("root (this runs as uid " + uid + ")");
        }
        if (missing.isEmpty()) {
            if (run(List.of("dpkg-query", "-W", "-f", "${db:Status-Abbrev}", PACKAGE)).out.strip().matches("[a-z]i.*")
                    || run(List.of("getent", "passwd", PACKAGE)).exit == 0
                    || run(List.of("getent", "group", PACKAGE)).exit == 0 || Files.exists(STATE)
                    || Files.exists(CACHE, LinkOption.NOFOLLOW_LINKS)) {
                missing.add("a machine without camstream: package camstream, the user or group camstream, "
                        + STATE + " or " + CACHE + " is there already, and this test would install over it and purge it");
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "cannot test the Debian package here, it needs " + String.join(", ", missing)
                + " (apt-get install lintian systemd)";
        if ("1".equals(System.getenv("CAMSTREAM_REQUIRE_DEB"))) {
            fail(message + " (required because CAMSTREAM_REQUIRE_DEB=1)");
        }
        Assumptions.abort(message + ". Skipping; set CAMSTREAM_REQUIRE_DEB=1 to make this a failure.");
    }

    @Test
    void packageIsCleanInstallsRunsAsItsUserUpgradesRemovesAndPurges() throws Exception {
        String version = debianVersion(projectVersion());
        Path deb = TARGET.resolve(PACKAGE + "_" + version + "_all.deb");
        assertTrue(Files.isRegularFile(deb), "no " + deb + "; run mvn package first");

        checkControl(deb, version);
        checkContents(deb);
        checkDefaultsFile(Files.readString(SOURCES.resolve("default/camstream")));
        checkCopyrightCoversTheWar(Files.readString(SOURCES.resolve("doc/copyright")));
        checkLintian(deb);

        Path upgrade = repackWithVersion(deb, version + "+upgrade1");
        List<Long> started = new ArrayList<>();
        try {
            Result install = dpkg("-i", deb.toString());
            assertEquals(0, install.exit, () -> "dpkg -i failed:\n" + install);
            checkInstalled();
            checkUnit();

            Server server = runExecStartByHand(started, List.of(), RECORD);
            String password = Files.readString(STATE.resolve("admin-password")).strip();
            // A setting saved on the admin page, as the page saves it, and a recording that has started.
            HttpResponse<String> saved = http.send(HttpRequest.newBuilder(server.uri("/api/config"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + password)
                            .getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"jpegQuality\":71}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, saved.statusCode(), saved::body);
            Path savedSettings = STATE.resolve("saved-settings.properties");
            assertTrue(Files.readString(savedSettings).contains("71"), () -> savedSettings + " lacks the saved value");
            Path recording = Poll.until(Duration.ofSeconds(60), "a recording under " + STATE.resolve("recordings"),
                    () -> files(STATE.resolve("recordings")).stream().filter(p -> p.toString().endsWith(".mp4"))
                            .findFirst().orElse(null), p -> p != null);
            assertEquals("camstream", owner(recording), recording + " is not the user camstream's");
            server.stop();
            String firstKey = checkClassDataArchive(started, server);

            // An upgrade keeps /etc/default/camstream as the admin changed it, and all of /var/lib/camstream.
            Files.writeString(DEFAULTS, Files.readString(DEFAULTS) + "CAMSTREAM_JPEG_QUALITY=72\n");
            Files.createDirectories(STATE.resolve("timelapse/main")); // empty: the purge removes it
            Map<Path, String> state = snapshot(STATE);
            Result upgraded = dpkg("-i", upgrade.toString());
            assertEquals(0, upgraded.exit, () -> "dpkg -i (upgrade) failed:\n" + upgraded);
            assertEquals(version + "+upgrade1", run(List.of("dpkg-query", "-W", "-f", "${Version}", PACKAGE)).out);
            assertTrue(Files.readString(DEFAULTS).contains("CAMSTREAM_JPEG_QUALITY=72"), "the upgrade lost "
                    + DEFAULTS);
            assertEquals(state, snapshot(STATE), "the upgrade changed " + STATE);
            checkInstalled();

            // The upgrade's new WAR needs a new archive: the next start removes the old one and makes another.
            Server upgradedRun = runExecStartByHand(started, List.of(), LIGHT);
            assertEquals(List.of(), mappedArchives(upgradedRun), "the start after the upgrade maps an archive");
            assertTrue(upgradedRun.log().contains("no class-data archive"), upgradedRun::log);
            upgradedRun.stop();
            String upgradedKey = archiveKey(Poll.until(Duration.ofSeconds(30), "the upgraded run's dump",
                    () -> archiveFiles(), names -> names.size() == 1 && names.get(0).endsWith(".dump")).get(0));
            assertFalse(upgradedKey.equals(firstKey), "the upgrade kept the archive's key " + firstKey);
            state = snapshot(STATE);

            // Remove: the package's files go; the conffile, the state and the user stay.
            Result removed = dpkg("-r", PACKAGE);
            assertEquals(0, removed.exit, () -> "dpkg -r failed:\n" + removed);
            assertEquals("rc", run(List.of("dpkg-query", "-W", "-f", "${db:Status-Abbrev}", PACKAGE)).out.strip());
            assertFalse(Files.exists(INSTALLED_WAR), INSTALLED_WAR + " is left after dpkg -r");
            assertFalse(Files.exists(UNIT), UNIT + " is left after dpkg -r");
            assertTrue(Files.readString(DEFAULTS).contains("CAMSTREAM_JPEG_QUALITY=72"), DEFAULTS + " went with dpkg -r");
            assertEquals(state, snapshot(STATE), "dpkg -r changed " + STATE);
            assertEquals(0, run(List.of("getent", "passwd", PACKAGE)).exit, "dpkg -r removed the user");
            assertEquals(List.of("appcds-" + upgradedKey + ".dump"), archiveFiles(), "dpkg -r changed the archive");

            // Purge: the conffile, the state and the user go; recordings/ stays, as it holds a recording.
            Result purged = dpkg("-P", PACKAGE);
            assertEquals(0, purged.exit, () -> "dpkg -P failed:\n" + purged);
            assertTrue(purged.err.contains("kept the recordings"), () -> "no word of the kept recordings:\n" + purged);
            assertFalse(Files.exists(DEFAULTS), DEFAULTS + " is left after dpkg -P");
            assertFalse(Files.exists(CACHE, LinkOption.NOFOLLOW_LINKS), CACHE + " (the class-data archive, the "
                    + "unpacked server) is left after dpkg -P");
            assertEquals(Set.of("recordings"), names(STATE), "what dpkg -P left in " + STATE);
            assertTrue(Files.isRegularFile(recording), recording + " went with dpkg -P");
            assertEquals("root", owner(STATE.resolve("recordings")), "the kept recordings/ is not root's");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    STATE.resolve("recordings"))), "only root may reach the kept recordings");
            assertEquals("root", owner(STATE));
            assertEquals(2, run(List.of("getent", "passwd", PACKAGE)).exit, "dpkg -P left the user camstream");
            assertEquals(2, run(List.of("getent", "group", PACKAGE)).exit, "dpkg -P left the group camstream");
            assertTrue(run(List.of("dpkg-query", "-W", PACKAGE)).exit != 0
                    || run(List.of("dpkg-query", "-W", "-f", "${db:Status-Abbrev}", PACKAGE)).out.isBlank(),
                    "dpkg still knows the package after dpkg -P");
        } finally {
            cleanUp(started);
        }
    }

    /**
     * The class-data archive's gain through the package path: the installed unit's ExecStart, by hand as above, on
     * the CPUs {@code cpus} names (taskset), the default 1280x720 camera, from the command's start to the first
     * JPEG of /snapshot.jpg. Each of {@code rounds} rounds removes the archive and starts three times: without one
     * (it is made at that run's stop), with the new one (checked first), and with it again; a fourth start runs java
     * as the unit did before java-appcds, with Java's own class-data sharing only ({@code -Xshare:auto} makes
     * java-appcds step aside). Run it with {@code mvn package -DskipTests && mvn verify -Dit.test=DebPackageIT
     * -Dbenchmark=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dcpus=0 -Drounds=5}.
     */
    @Test
    @EnabledIfSystemProperty(named = "benchmark", matches = "true")
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void classDataArchiveBenchmark() throws Exception {
        Path deb = TARGET.resolve(PACKAGE + "_" + debianVersion(projectVersion()) + "_all.deb");
        List<String> taskset = List.of("taskset", "-c", System.getProperty("cpus", "0"));
        int rounds = Integer.getInteger("rounds", 5);
        String[] names = {"no archive (the first start; makes it at its stop)",
            "the new archive (the second start; checks it first)", "the archive (every start after)",
            "java as before java-appcds (-Xshare:auto)"};
        double[][] seconds = new double[names.length][rounds];
        List<Long> started = new ArrayList<>();
        try {
            Result install = dpkg("-i", deb.toString());
            assertEquals(0, install.exit, () -> "dpkg -i failed:\n" + install);
            runExecStartByHand(started, taskset, List.of()).stop(); // unpacks the server: no round pays for that
            for (int round = 0; round < rounds; round++) {
                for (String name : archiveFiles()) {
                    Files.delete(CACHE.resolve(name));
                }
                for (int kind = 0; kind < names.length; kind++) {
                    Server server = runExecStartByHand(started, taskset, List.of(), kind == 3 ? "-Xshare:auto" : "");
                    seconds[kind][round] = server.firstPicture;
                    assertEquals(kind == 1 || kind == 2, !mappedArchives(server).isEmpty(), names[kind]);
                    server.stop();
                }
            }
        } finally {
            cleanUp(started);
        }
        System.out.printf(Locale.ROOT, "%nThe package's ExecStart by hand, taskset -c %s, %d rounds, the 1280x720 test "
                + "camera: first picture after the start, s, median (range)%n", taskset.get(2), rounds);
        for (int kind = 0; kind < names.length; kind++) {
            double[] sorted = seconds[kind].clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "%-56s %.2f (%.2f–%.2f)   all: %s%n", names[kind], sorted[rounds / 2],
                    sorted[0], sorted[rounds - 1], Arrays.toString(seconds[kind]));
        }
    }

    // ---- the .deb file

    private static void checkControl(Path deb, String version) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : List.of("Package", "Version", "Architecture", "Depends", "Breaks", "Section", "Priority",
                "Maintainer", "Description", "Installed-Size")) {
            fields.put(field, run(List.of("dpkg-deb", "-f", deb.toString(), field)).out.strip());
        }
        assertEquals(PACKAGE, fields.get("Package"));
        assertEquals(version, fields.get("Version"));
        assertEquals("all", fields.get("Architecture"));
        assertEquals("video", fields.get("Section"));
        assertEquals("optional", fields.get("Priority"));
        List<String> depends = List.of(fields.get("Depends").split("\\s*,\\s*"));
        assertTrue(depends.contains("default-jre-headless | java17-runtime-headless"), depends::toString);
        assertTrue(depends.contains("ffmpeg"), depends::toString);
        // -XX:TrimNativeHeapInterval in JAVA_OPTS: an older Java would not start with it
        assertEquals("openjdk-17-jre-headless (<< 17.0.12), openjdk-21-jre-headless (<< 21.0.4)", fields.get("Breaks"));
        assertTrue(fields.get("Maintainer").matches(".+ <[^@\\s]+@[^@\\s]+>"), fields.get("Maintainer"));
        assertTrue(fields.get("Description").lines().count() > 2, fields.get("Description"));
        assertTrue(fields.get("Installed-Size").matches("\\d+"), fields.get("Installed-Size"));

        String info = run(List.of("dpkg-deb", "-I", deb.toString())).out;
        for (String member : List.of("control", "conffiles", "md5sums", "postinst", "prerm", "postrm")) {
            assertTrue(Pattern.compile("^\\s+\\d+ bytes,\\s+\\d+ lines\\s+\\*?\\s*" + member + "\\b", Pattern.MULTILINE)
                    .matcher(info).find(), () -> "no " + member + " in the control archive:\n" + info);
        }
        Path control = Files.createTempDirectory("camstream-deb-control");
        try {
            run(List.of("dpkg-deb", "-e", deb.toString(), control.toString()));
            assertEquals(List.of(DEFAULTS.toString()), Files.readAllLines(control.resolve("conffiles")));
            for (String script : List.of("postinst", "prerm", "postrm")) {
                assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                        control.resolve(script))), script);
                String text = Files.readString(control.resolve(script));
                assertTrue(text.startsWith("#!/bin/sh\n"), script + " is not a POSIX sh script");
                assertTrue(text.contains("\nset -e\n"), script + " lacks set -e");
                assertEquals(0, run(List.of("sh", "-n", control.resolve(script).toString())).exit, script);
            }
        } finally {
            run(List.of("rm", "-rf", control.toString()));
        }
        String wrapper = Files.readString(SOURCES.resolve("libexec/java-appcds"));
        assertTrue(wrapper.startsWith("#!/bin/sh\n"), "java-appcds is not a POSIX sh script");
        assertFalse(Pattern.compile("\\beval\\s").matcher(wrapper).find(), "java-appcds evaluates a string");
        assertEquals(0, run(List.of("sh", "-n", SOURCES.resolve("libexec/java-appcds").toString())).exit);
    }

    /** What {@code dpkg-deb -c} lists: the files with their mode and owner, and that nothing else is there. */
    private static void checkContents(Path deb) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        Map<String, Long> sizes = new TreeMap<>();
        Pattern line = Pattern.compile("^(\\S{10}) (\\S+)\\s+(\\d+) \\S+ \\S+ \\./(.*)$");
        for (String listed : run(List.of("dpkg-deb", "-c", deb.toString())).out.split("\n")) {
            Matcher m = line.matcher(listed);
            assertTrue(m.matches(), listed);
            entries.put("/" + m.group(4), m.group(1) + " " + m.group(2));
            sizes.put("/" + m.group(4), Long.parseLong(m.group(3)));
        }
        Map<String, String> files = new TreeMap<>(Map.of(
                INSTALLED_WAR.toString(), "-rw-r--r-- root/root",
                WRAPPER.toString(), "-rwxr-xr-x root/root",
                UNIT.toString(), "-rw-r--r-- root/root",
                DEFAULTS.toString(), "-rw------- root/root",
                DOC + "/copyright", "-rw-r--r-- root/root",
                DOC + "/changelog.gz", "-rw-r--r-- root/root",
                DOC + "/README.Debian", "-rw-r--r-- root/root"));
        Map<String, String> listedFiles = entries.entrySet().stream().filter(e -> !e.getValue().startsWith("d"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        assertEquals(files, listedFiles, "the files of the package");
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            if (entry.getValue().startsWith("d")) {
                assertEquals("drwxr-xr-x root/root", entry.getValue(), entry.getKey());
                assertFalse(entry.getKey().startsWith("/var/"), "the package ships " + entry.getKey());
            }
        }
        assertEquals(Files.size(WAR), sizes.get(INSTALLED_WAR.toString()), "the packaged WAR is not target/camstream.war");
    }

    /**
     * /etc/default/camstream: JAVA_OPTS has the small-board options the repository uses elsewhere, and the
     * settings are there, commented, under their real environment names.
     */
    private static void checkDefaultsFile(String text) throws IOException {
        Map<String, String> variables = environmentFile(text);
        assertEquals(Set.of("JAVA_OPTS"), variables.keySet(), "variables set (not commented) in the package's file");
        Set<String> options = Set.copyOf(List.of(variables.get("JAVA_OPTS").split(" +")));
        Set<String> expected = new LinkedHashSet<>(WarProcess.SMALL_BOARD);
        Matcher tomcat = Pattern.compile("(?m)^JAVA_OPTS=\"([^\"]*)\"").matcher(
                Files.readString(Path.of("tomcat-conf/tomcat10.default")));
        assertTrue(tomcat.find(), "no JAVA_OPTS in tomcat-conf/tomcat10.default");
        expected.addAll(List.of(tomcat.group(1).split(" +")));
        expected.add("-XX:TieredStopAtLevel=1");
        assertTrue(options.containsAll(expected), () -> "JAVA_OPTS lacks " + expected.stream()
                .filter(o -> !options.contains(o)).toList());

        Set<String> known = Stream.of(Setting.values()).map(Setting::environmentVariable).collect(Collectors.toSet());
        Matcher commented = Pattern.compile("(?m)^#(CAMSTREAM_[A-Z0-9_]+)=(.*)$").matcher(text);
        Map<String, String> listed = new TreeMap<>();
        while (commented.find()) {
            listed.put(commented.group(1), commented.group(2));
        }
        for (String name : listed.keySet()) {
            assertTrue(known.contains(name), name + " in src/deb/default/camstream is no camstream setting");
        }
        for (Setting setting : Setting.values()) {
            if (setting == Setting.DATA_DIR) {
                continue; // the unit's --data-dir wins over it
            }
            String value = setting.defaultValue().contains(" ") ? '"' + setting.defaultValue() + '"'
                    : setting.defaultValue();
            assertEquals(value, listed.get(setting.environmentVariable()), () -> "src/deb/default/camstream should "
                    + "list the setting " + setting.key() + " as #" + setting.environmentVariable() + "=" + value
                    + ", with its description above it");
        }
    }

    /** Every library bundled in the WAR matches a Files: paragraph of the copyright file. */
    private static void checkCopyrightCoversTheWar(String copyright) throws IOException {
        List<Pattern> patterns = new ArrayList<>();
        Matcher files = Pattern.compile("(?m)^Files: camstream\\.war:(\\S+)$").matcher(copyright);
        while (files.find()) {
            patterns.add(Pattern.compile(Stream.of(files.group(1).split("\\*", -1)).map(Pattern::quote)
                    .collect(Collectors.joining(".*"))));
        }
        try (ZipFile war = new ZipFile(WAR.toFile())) {
            List<String> uncovered = war.stream().map(e -> e.getName())
                    .filter(n -> n.matches("WEB-INF/lib(-embedded)?/[^/]+\\.jar"))
                    .filter(n -> patterns.stream().noneMatch(p -> p.matcher(n).matches())).toList();
            assertEquals(List.of(), uncovered, "libraries in the WAR that src/deb/doc/copyright does not name"
                    + " (add a Files: paragraph with their copyright and license)");
        }
    }

    private static void checkLintian(Path deb) throws IOException {
        Result lintian = run(List.of("lintian", "--no-tag-display-limit", deb.toString()), Duration.ofMinutes(3));
        Pattern tag = Pattern.compile("^([EWIPXNO]): camstream(?: [a-z]+)?: (\\S+)(.*)$");
        List<String> refused = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (String line : lintian.out.split("\n")) {
            Matcher m = tag.matcher(line);
            if (!m.matches()) {
                continue;
            }
            if (m.group(1).equals("E") || m.group(1).equals("W") && !ACCEPTED_LINTIAN_WARNINGS.containsKey(m.group(2))) {
                refused.add(line);
            } else if (m.group(1).equals("W")) {
                accepted.add(line);
            }
        }
        System.out.println("lintian " + deb.getFileName() + ": " + (lintian.out.isBlank() ? "no tags" : "\n"
                + lintian.out.strip()) + (accepted.isEmpty() ? "" : "\naccepted warnings: " + accepted));
        assertEquals(List.of(), refused, () -> "lintian's errors and unaccepted warnings:\n" + lintian);
        assertEquals(0, lintian.exit, () -> "lintian failed:\n" + lintian);
    }

    // ---- installed

    private static void checkInstalled() throws IOException {
        String[] passwd = run(List.of("getent", "passwd", PACKAGE)).out.strip().split(":");
        assertEquals(7, passwd.length, String.join(":", passwd));
        assertTrue(Integer.parseInt(passwd[2]) < 1000, "camstream is no system user: uid " + passwd[2]);
        assertEquals(STATE.toString(), passwd[5], "the user's home");
        assertEquals("/usr/sbin/nologin", passwd[6], "the user's shell");
        Set<String> groups = Set.copyOf(List.of(run(List.of("id", "-nG", PACKAGE)).out.strip().split("\\s+")));
        assertTrue(groups.containsAll(Set.of("camstream", "video", "audio")), "the user's groups: " + groups);

        PosixFileAttributes state = Files.readAttributes(STATE, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertTrue(state.isDirectory(), STATE.toString());
        assertEquals("camstream", state.owner().getName(), STATE + "'s owner");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(state.permissions()), STATE + "'s mode");
        PosixFileAttributes defaults = Files.readAttributes(DEFAULTS, PosixFileAttributes.class);
        assertEquals("root", defaults.owner().getName());
        assertEquals("rw-------", PosixFilePermissions.toString(defaults.permissions()), DEFAULTS + " may hold passwords");
        assertTrue(Files.isRegularFile(INSTALLED_WAR));
        try (InputStream in = Files.newInputStream(DOC.resolve("changelog.gz"));
                GZIPInputStream gz = new GZIPInputStream(in)) {
            assertEquals(Files.readString(SOURCES.resolve("doc/changelog")),
                    new String(gz.readAllBytes(), StandardCharsets.UTF_8),
                    "changelog.gz is not src/deb/doc/changelog: run gzip -9n -c changelog > changelog.gz in src/deb/doc");
        }
        String firstEntry = Files.readString(SOURCES.resolve("doc/changelog")).lines().findFirst().orElse("");
        String installed = run(List.of("dpkg-query", "-W", "-f", "${Version}", PACKAGE)).out;
        assertTrue(installed.startsWith(firstEntry.replaceAll("^camstream \\(([^)]*)\\).*", "$1")),
                () -> "src/deb/doc/changelog's newest entry (" + firstEntry + ") is not for version " + installed
                        + ": add an entry for it");
    }

    private void checkUnit() throws IOException {
        Result verify = run(List.of("systemd-analyze", "verify", UNIT.toString()));
        System.out.println("systemd-analyze verify " + UNIT + ": exit " + verify.exit + (verify.err.isBlank() ? ""
                : "\n" + verify.err.strip()));
        assertEquals(0, verify.exit, verify::toString);
        List<String> complaints = verify.err.lines().filter(l -> l.contains("camstream.service")).toList();
        assertEquals(List.of(), complaints, "systemd-analyze verify's complaints about the unit");

        Result security = run(List.of("systemd-analyze", "security", "--offline=true", "--no-pager", UNIT.toString()));
        Matcher level = Pattern.compile("Overall exposure level for camstream\\.service: ([0-9.]+) (\\S+)")
                .matcher(security.out);
        assertTrue(level.find(), security::toString);
        System.out.println("systemd-analyze security --offline=true: " + level.group(1) + " " + level.group(2));
        assertTrue(Double.parseDouble(level.group(1)) <= MAX_EXPOSURE, () -> "the unit's exposure rose to "
                + level.group(1) + ", above " + MAX_EXPOSURE + ":\n" + security.out);

        Map<String, List<String>> unit = unitFile(Files.readString(UNIT));
        assertEquals(List.of("camstream"), unit.get("User"));
        assertEquals(List.of("camstream"), unit.get("Group"));
        assertEquals(List.of("video audio"), unit.get("SupplementaryGroups"));
        assertEquals(List.of("camstream"), unit.get("StateDirectory"));
        assertEquals(List.of("-" + DEFAULTS), unit.get("EnvironmentFile"));
        assertEquals(List.of("strict"), unit.get("ProtectSystem"));
        assertEquals(List.of("invisible"), unit.get("ProtectProc"));
        assertEquals(List.of("closed"), unit.get("DevicePolicy"));
        assertTrue(unit.get("DeviceAllow").containsAll(List.of("char-video4linux rw", "char-media rw",
                "char-dma_heap rw", "char-alsa rw")), unit.get("DeviceAllow")::toString);
        assertFalse(unit.containsKey("MemoryDenyWriteExecute"), "the JVM's JIT needs writable, executable memory");
        assertFalse(unit.containsKey("PrivateDevices"), "PrivateDevices hides the cameras");
        assertEquals(List.of("camstream"), unit.get("CacheDirectory"));
        assertTrue(unit.get("ExecStart").get(0).startsWith(WRAPPER + " $JAVA_OPTS -jar " + INSTALLED_WAR + " "),
                unit.get("ExecStart")::toString);
    }

    /** What the runs by hand add to camstream's command line: a lighter camera; the first one records too. */
    private static final List<String> LIGHT = List.of("--width", "640", "--height", "360", "--fps", "15");
    private static final List<String> RECORD = Stream.concat(LIGHT.stream(), Stream.of("--record", "continuous"))
            .toList();

    /**
     * Runs the unit's ExecStart as systemd would, by hand: its EnvironmentFile's variables, user, group and
     * supplementary groups, working directory, CacheDirectory= (made if missing, and $CACHE_DIRECTORY), and
     * $VARIABLE expanded as systemd does. Only the ports differ (RTSP off), with {@code arguments} added; the
     * command runs under {@code prefix} (such as taskset). Returns once it served a JPEG.
     */
    private Server runExecStartByHand(List<Long> started, List<String> prefix, List<String> arguments)
            throws Exception {
        return runExecStartByHand(started, prefix, arguments, "");
    }

    /** As above, with {@code addJavaOpts} added to /etc/default/camstream's JAVA_OPTS. */
    private Server runExecStartByHand(List<Long> started, List<String> prefix, List<String> arguments,
            String addJavaOpts) throws Exception {
        Map<String, List<String>> unit = unitFile(Files.readString(UNIT));
        Map<String, String> environment = new LinkedHashMap<>();
        // What systemd gives a service with User=: its PATH, and the user's HOME, USER, LOGNAME and SHELL.
        environment.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        environment.put("HOME", STATE.toString());
        environment.put("USER", PACKAGE);
        environment.put("LOGNAME", PACKAGE);
        environment.put("SHELL", "/usr/sbin/nologin");
        // CacheDirectory=camstream: systemd makes /var/cache/camstream, the user's, with CacheDirectoryMode=, and
        // names it in $CACHE_DIRECTORY.
        assertEquals(List.of(CACHE.getFileName().toString()), unit.get("CacheDirectory"));
        if (!Files.isDirectory(CACHE, LinkOption.NOFOLLOW_LINKS)) {
            Result made = run(List.of("install", "-d", "-o", PACKAGE, "-g", PACKAGE, "-m",
                    unit.get("CacheDirectoryMode").get(0), CACHE.toString()));
            assertEquals(0, made.exit, made::toString);
        }
        environment.put("CACHE_DIRECTORY", CACHE.toString());
        for (String assignment : unit.getOrDefault("Environment", List.of())) {
            for (String variable : assignment.split("\\s+")) {
                environment.put(variable.substring(0, variable.indexOf('=')), variable.substring(variable.indexOf('=') + 1));
            }
        }
        for (String file : unit.getOrDefault("EnvironmentFile", List.of())) {
            Path path = Path.of(file.startsWith("-") ? file.substring(1) : file);
            if (Files.exists(path) || !file.startsWith("-")) {
                environment.putAll(environmentFile(Files.readString(path)));
            }
        }
        if (!addJavaOpts.isEmpty()) {
            environment.put("JAVA_OPTS", environment.get("JAVA_OPTS") + " " + addJavaOpts);
        }
        assertEquals(1, unit.get("ExecStart").size(), unit.get("ExecStart")::toString);
        List<String> execStart = expand(unit.get("ExecStart").get(0), environment);
        assertEquals(WRAPPER.toString(), execStart.get(0));
        assertTrue(execStart.containsAll(List.of("-Xmx64m", "-XX:+UseSerialGC")), "JAVA_OPTS did not reach java: "
                + execStart);
        int port = FreePorts.tcp();
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("setpriv", "--reuid", unit.get("User").get(0), "--regid",
                unit.get("Group").get(0), "--init-groups", "--"));
        command.addAll(execStart);
        command.addAll(List.of("--port", Integer.toString(port), "--rtsp-port", "0"));
        command.addAll(arguments);
        Path log = Files.createTempFile(temp, "server", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(new File(unit.get("WorkingDirectory").get(0)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(new File("/dev/null"));
        builder.environment().clear();
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        started.add(process.pid());
        Server server = new Server(process, port, log);
        // setpriv execs java-appcds, which execs java: the same process, now as camstream with groups camstream,
        // video and audio. (java-appcds may first run a java of its own to check an archive.)
        Poll.until(Duration.ofSeconds(30), "setpriv and java-appcds to exec java", () -> {
            if (!process.isAlive()) {
                throw new AssertionError("exited with " + process.exitValue() + ":\n" + server.log());
            }
            return process.info().command().orElse("").endsWith("/java");
        });
        String status = Files.readString(Path.of("/proc/" + process.pid() + "/status"));
        String uid = run(List.of("id", "-u", PACKAGE)).out.strip();
        assertTrue(Pattern.compile("(?m)^Uid:\\s+" + uid + "\\s+" + uid + "\\s").matcher(status).find(), status);
        Set<String> groups = Set.copyOf(List.of(status.lines().filter(l -> l.startsWith("Groups:")).findFirst()
                .orElse("Groups:").substring("Groups:".length()).trim().split("\\s+")));
        for (String group : List.of("video", "audio")) {
            String gid = run(List.of("getent", "group", group)).out.split(":")[2];
            assertTrue(groups.contains(gid), "the server is not in group " + group + ": " + groups);
        }

        byte[] jpeg = Poll.until(Duration.ofSeconds(90), "/snapshot.jpg to answer a JPEG", () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + server.log());
            }
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(server.uri("/snapshot.jpg"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
                return response.statusCode() == 200 ? response.body() : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }, body -> body != null);
        server.firstPicture = (System.nanoTime() - start) / 1e9;
        assertTrue(jpeg.length > 1000 && (jpeg[0] & 0xff) == 0xff && (jpeg[1] & 0xff) == 0xd8, "not a JPEG");

        Path password = STATE.resolve("admin-password");
        assertTrue(Files.isRegularFile(password), "no " + password + ":\n" + server.log());
        assertEquals("camstream", owner(password));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(password)));
        return server;
    }

    /**
     * The class-data archive, once the first run by hand stopped: that run made it (java-appcds gave it
     * -XX:ArchiveClassesAtExit, and SIGTERM made it dump), the next start checks it and maps it, and a start after
     * it was damaged runs without it and makes it again. Returns the archive's key.
     */
    private String checkClassDataArchive(List<Long> started, Server first) throws Exception {
        assertTrue(first.log().contains("no class-data archive"), first::log);
        List<String> made = archiveFiles();
        assertEquals(1, made.size(), () -> "not one archive dumped in " + CACHE + ": " + made + "\n" + first.log());
        assertTrue(made.get(0).matches("appcds-\\d+\\.dump"), made::toString);
        assertEquals("camstream", owner(CACHE.resolve(made.get(0))));
        String key = archiveKey(made.get(0));
        Path archive = CACHE.resolve("appcds-" + key + ".jsa");

        Server mapped = runExecStartByHand(started, List.of(), LIGHT);
        assertEquals(List.of(archive.toString()), mappedArchives(mapped), () -> "the second start does not map "
                + archive + ":\n" + mapped.log());
        assertEquals(List.of(archive.getFileName().toString(), "appcds-" + key + ".ok"), archiveFiles());
        mapped.stop();

        // Cut short, as a full card or a copy cut short leaves it: a JVM that maps it crashes (SIGBUS).
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
        Server damaged = runExecStartByHand(started, List.of(), LIGHT);
        assertEquals(List.of(), mappedArchives(damaged), "the start maps the damaged archive");
        assertTrue(damaged.log().contains("is unusable"), damaged::log);
        damaged.stop();
        assertEquals(List.of("appcds-" + key + ".dump"), Poll.until(Duration.ofSeconds(30), "the archive made again",
                () -> archiveFiles(), names -> names.size() == 1 && names.get(0).endsWith(".dump")));
        System.out.printf(Locale.ROOT, "first picture, through java-appcds by hand: %.2f s (no archive, the server "
                + "unpacked), %.2f s (the archive checked and mapped), %.2f s (a damaged archive checked, none)%n",
                first.firstPicture, mapped.firstPicture, damaged.firstPicture);
        return key;
    }

    /** The names of java-appcds' files in the cache directory, sorted. */
    private static List<String> archiveFiles() {
        try (Stream<Path> list = Files.list(CACHE)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("appcds-")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** appcds-KEY.jsa: KEY. */
    private static String archiveKey(String name) {
        return name.replaceFirst("^appcds-(\\d+)\\..*$", "$1");
    }

    /** The archives of the cache directory that the server's JVM has mapped, from /proc/PID/maps. */
    private static List<String> mappedArchives(Server server) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + server.process.pid() + "/maps")).stream()
                .map(line -> line.replaceFirst("^(\\S+\\s+){5}", "")).filter(p -> p.startsWith(CACHE + "/appcds-"))
                .distinct().toList();
    }

    private final class Server {
        private final Process process;
        private final int port;
        private final Path log;
        /** Seconds from the start of the command to the first JPEG of /snapshot.jpg. */
        double firstPicture;

        Server(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        /** SIGTERM, as systemctl stop sends: a clean stop, with status 143 (the unit's SuccessExitStatus). */
        void stop() throws Exception {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM:\n" + log());
            assertEquals(143, process.exitValue(), this::log);
            for (ProcessHandle child : children) {
                Poll.until(Duration.ofSeconds(10), "the server's child " + child.pid() + " to end", () -> !child.isAlive());
            }
        }
    }

    // ---- parsing the unit and its EnvironmentFile as systemd does (the parts this unit uses)

    /** The [Service] and [Unit] settings of a unit file, each key with its values in order; comments skipped. */
    static Map<String, List<String>> unitFile(String text) {
        Map<String, List<String>> settings = new LinkedHashMap<>();
        for (String line : text.replace("\\\n", " ").split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";") || trimmed.startsWith("[")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            settings.computeIfAbsent(trimmed.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(trimmed.substring(eq + 1).strip());
        }
        return settings;
    }

    /**
     * An EnvironmentFile: {@code KEY=value} lines, {@code #} and {@code ;} comments, a value in double or single
     * quotes taken without them, no expansion.
     */
    static Map<String, String> environmentFile(String text) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            assertTrue(eq > 0, "not a KEY=value line: " + line);
            String value = trimmed.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            assertFalse(value.contains("$"), "systemd does not expand variables in an EnvironmentFile: " + line);
            variables.put(trimmed.substring(0, eq).strip(), value);
        }
        return variables;
    }

    /**
     * ExecStart's words: {@code $NAME} alone as a word becomes the variable's words split at whitespace (none
     * when unset), {@code ${NAME}} its value as one word. Quotes are not used by this unit and are refused.
     */
    static List<String> expand(String command, Map<String, String> environment) {
        assertFalse(command.contains("\"") || command.contains("'"), "quotes in ExecStart: " + command);
        List<String> words = new ArrayList<>();
        for (String word : command.trim().split("\\s+")) {
            Matcher split = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)").matcher(word);
            if (split.matches()) {
                String value = environment.getOrDefault(split.group(1), "").trim();
                if (!value.isEmpty()) {
                    words.addAll(List.of(value.split("\\s+")));
                }
                continue;
            }
            Matcher whole = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}").matcher(word);
            StringBuilder expanded = new StringBuilder();
            while (whole.find()) {
                whole.appendReplacement(expanded, Matcher.quoteReplacement(environment.getOrDefault(whole.group(1), "")));
            }
            whole.appendTail(expanded);
            words.add(expanded.toString());
        }
        return words;
    }

    // ---- versions

    /** The project's version, from the pom.properties the WAR plugin puts into the WAR. */
    private static String projectVersion() throws IOException {
        try (ZipFile war = new ZipFile(WAR.toFile())) {
            var entry = war.getEntry("META-INF/maven/org.camstream/camstream/pom.properties");
            assertTrue(entry != null, "no pom.properties in " + WAR);
            Properties properties = new Properties();
            try (InputStream in = war.getInputStream(entry)) {
                properties.load(in);
            }
            return properties.getProperty("version");
        }
    }

    /** As jdeb maps it: 0.1.0-SNAPSHOT is 0.1.0~SNAPSHOT, which sorts before 0.1.0. */
    static String debianVersion(String mavenVersion) {
        return mavenVersion.replaceFirst("[-+]SNAPSHOT$", "~SNAPSHOT");
    }

    /** The same package with another version, made the way dpkg-deb takes a package apart and builds it. */
    private Path repackWithVersion(Path deb, String version) throws IOException {
        Path tree = temp.resolve("upgrade-tree");
        Result extract = run(List.of("dpkg-deb", "-R", deb.toString(), tree.toString()));
        assertEquals(0, extract.exit, extract::toString);
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
        Path upgrade = temp.resolve(PACKAGE + "_" + version + "_all.deb");
        Result build = run(List.of("dpkg-deb", "--root-owner-group", "-b", tree.toString(), upgrade.toString()));
        assertEquals(0, build.exit, build::toString);
        return upgrade;
    }

    // ---- clean-up: nothing of the package stays on the machine, whatever happened

    private static void cleanUp(List<Long> started) throws IOException {
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(process -> {
                List<ProcessHandle> children = process.descendants().toList();
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            });
        }
        if (!run(List.of("dpkg-query", "-W", "-f", "${db:Status-Abbrev}", PACKAGE)).out.isBlank()) {
            Result purge = dpkg("-P", PACKAGE);
            if (purge.exit != 0) {
                System.err.println("clean-up: dpkg -P camstream failed:\n" + purge);
            }
        }
        // The test made all of these (canInstallPackages saw none of them): the recordings the purge kept, and
        // the user and group should a failed purge have left them.
        run(List.of("rm", "-rf", STATE.toString(), CACHE.toString()));
        if (run(List.of("getent", "passwd", PACKAGE)).exit == 0) {
            run(List.of("userdel", PACKAGE));
        }
        if (run(List.of("getent", "group", PACKAGE)).exit == 0) {
            run(List.of("groupdel", PACKAGE));
        }
    }

    // ---- small helpers

    private static Result dpkg(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("dpkg", "--force-confold"));
        command.addAll(List.of(arguments));
        return run(command, Duration.ofMinutes(2));
    }

    private static Set<String> names(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return Set.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static List<Path> files(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Every path under a directory with its owner, mode, and for a file its size and modification time. */
    private static Map<Path, String> snapshot(Path directory) throws IOException {
        Map<Path, String> snapshot = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.toList()) {
                PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                snapshot.put(path, a.owner().getName() + ":" + a.group().getName() + " "
                        + PosixFilePermissions.toString(a.permissions())
                        + (a.isDirectory() ? "" : " " + a.size() + " " + a.lastModifiedTime()));
            }
        }
        return snapshot;
    }

    private static String owner(Path path) throws IOException {
        return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
    }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private static Result run(List<String> command) throws IOException {
        return run(command, Duration.ofSeconds(60));
    }

    private static Result run(List<String> command, Duration timeout) throws IOException {
        Path out = Files.createTempFile("camstream-deb-out", ".txt");
        Path err = Files.createTempFile("camstream-deb-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(new File("/dev/null"));
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            builder.environment().put("LC_ALL", "C.UTF-8");
            Process process = builder.start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(command + " did not finish within " + timeout.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
