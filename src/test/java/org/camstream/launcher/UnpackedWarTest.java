package org.camstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackedWarTest {

    @TempDir
    Path dir;

    @Test
    void aSecondStartUsesTheCopyTheFirstMade() throws IOException {
        Path war = war("one");
        Path cache = dir.resolve("cache");
        UnpackedWar first = UnpackedWar.kept(war, cache);
        assertNull(first.temporary(), "a kept copy is not deleted at exit");
        Path jar = first.directory().resolve("lib/a.jar");
        assertEquals("one", read(first.directory().resolve("lib/a.jar")));
        assertEquals("class", read(first.directory().resolve("classes/org/x/X.class")));
        FileTime written = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(jar, written);

        first.release();
        UnpackedWar second = UnpackedWar.kept(war("one"), cache);
        assertEquals(first.directory(), second.directory());
        assertEquals(written, Files.getLastModifiedTime(jar), "nothing unpacked again");
        assertEquals(List.of("classes/", "lib/a.jar", "lib/b.jar"), relative(second));
        second.release();
    }

    @Test
    void aChangedWarGetsAFreshCopyAndTheUnusedOldOneGoes() throws IOException, InterruptedException {
        Path cache = dir.resolve("cache");
        UnpackedWar oldCopy = UnpackedWar.kept(war("one"), cache);
        oldCopy.release();
        Path old = oldCopy.directory();
        // A camstream of the old version, still running in another process, holds its copy.
        Process holder = holdLock(old.resolve("in-use"));
        try {
            UnpackedWar freshCopy = UnpackedWar.kept(war("two"), cache);
            freshCopy.release();
            Path fresh = freshCopy.directory();
            assertNotEquals(old, fresh);
            assertEquals("two", read(fresh.resolve("lib/a.jar")));
            assertTrue(Files.isDirectory(old), "a copy in use is kept");
        } finally {
            holder.destroy();
            holder.waitFor();
        }
        Path third = UnpackedWar.kept(war("three"), cache).directory();
        try (Stream<Path> copies = Files.list(cache)) {
            assertEquals(List.of(third.getFileName().toString()), copies.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("launcher-")).collect(Collectors.toList()), "unused copies removed");
        }
    }

    @Test
    void anIncompleteCopyIsUnpackedAgain() throws IOException {
        Path cache = dir.resolve("cache");
        UnpackedWar first = UnpackedWar.kept(war("one"), cache);
        first.release();
        Path copy = first.directory();
        Files.delete(copy.resolve("lib/b.jar"));
        UnpackedWar again = UnpackedWar.kept(war("one"), cache);
        assertTrue(Files.exists(again.directory().resolve("lib/b.jar")));
    }

    @Test
    void aCacheOthersCanWriteToIsMadePrivate() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        UnpackedWar.kept(war("one"), cache).release();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    }

    @Test
    void theCacheComesFromThePropertyThenSystemdThenXdgThenHome() {
        assertEquals(Path.of("/p"), UnpackedWar.cacheDirectory("/p", Map.of("CACHE_DIRECTORY", "/var/cache/c")));
        assertEquals(Path.of("/var/cache/c"), UnpackedWar.cacheDirectory(null,
                Map.of("CACHE_DIRECTORY", "/var/cache/c:/other", "XDG_CACHE_HOME", "/x")));
        assertEquals(Path.of("/x/camstream"), UnpackedWar.cacheDirectory("", Map.of("XDG_CACHE_HOME", "/x")));
        Path home = UnpackedWar.cacheDirectory(null, Map.of("XDG_CACHE_HOME", "relative"));
        if (home != null) {
            assertEquals(Path.of(System.getProperty("user.home"), ".cache", "camstream"), home);
        }
    }

    @Test
    void theFingerprintFollowsTheContentNotTheFile() throws IOException {
        String one = UnpackedWar.fingerprint(war("one"));
        Path copy = dir.resolve("copy.war");
        Files.copy(war("one"), copy);
        Files.setLastModifiedTime(copy, FileTime.fromMillis(0));
        assertEquals(one, UnpackedWar.fingerprint(copy));
        assertNotEquals(one, UnpackedWar.fingerprint(war("two")));
        assertFalse(one.isEmpty());
    }

    private Path war(String version) throws IOException {
        Path war = dir.resolve(version + ".war");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            put(zip, "org/camstream/launcher/Main.class", "main");
            put(zip, "WEB-INF/classes/org/x/X.class", "class");
            put(zip, "WEB-INF/lib-embedded/a.jar", version);
            put(zip, "WEB-INF/lib/b.jar", "b");
            put(zip, "index.html", "page");
        }
        return war;
    }

    private static void put(ZipOutputStream zip, String name, String content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        OutputStream out = zip;
        out.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }

    private static List<String> relative(UnpackedWar copy) {
        return copy.classPath().stream().map(url -> {
            try {
                Path path = Path.of(url.toURI());
                return copy.directory().relativize(path) + (url.toString().endsWith("/") ? "/" : "");
            } catch (java.net.URISyntaxException e) {
                throw new AssertionError(e);
            }
        }).collect(Collectors.toList());
    }

    /**
     * Another process's shared lock, as a running camstream holds it. Java's file locks are POSIX record locks
     * (fcntl), which is what Python's lockf takes too; flock(1) takes a different kind that Java does not see.
     */
    private static Process holdLock(Path file) throws IOException {
        Process p = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_SH)\nprint('locked', flush=True)\n"
                + "time.sleep(60)", file.toString()).redirectErrorStream(true).start();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)).readLine();
        if (!"locked".equals(line)) {
            p.destroy();
            throw new AssertionError("python3 did not take the lock: " + line);
        }
        return p;
    }
}
