package org.camstream.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The jars and classes the launcher runs from, unpacked from the WAR once and kept: a start after the first
 * reads them instead of writing 6 MB again (on a Raspberry Pi, to its SD card at every boot). The copy is named
 * by a fingerprint of what it holds (each entry's name, size and CRC), so a changed WAR gets a fresh copy and
 * copies of other versions are removed once no running camstream uses them.
 *
 * <p>Where the copies live, first that applies: the system property {@code camstream.launcher-cache};
 * {@code $CACHE_DIRECTORY} (systemd's CacheDirectory=, /var/cache/camstream in the Debian package);
 * {@code $XDG_CACHE_HOME/camstream}; {@code ~/.cache/camstream}. A directory that is not this user's alone, or
 * cannot be written, is not used: then the WAR is unpacked to a temporary directory deleted at exit, as before.
 */
final class UnpackedWar {

    /** Bumped when the layout changes, so that an older launcher's copy is never taken for this one's. */
    private static final String LAYOUT = "1";
    private static final String PREFIX = "launcher-";
    /** Written last: the class path in order. A copy without it is incomplete and never used. */
    private static final String CLASS_PATH_FILE = "class-path";
    /** Held with a shared lock for as long as a camstream runs from the copy, so that no other one deletes it. */
    private static final String IN_USE_FILE = "in-use";

    private final Path directory;
    private final List<URL> classPath;
    /** Null for a kept copy; the temporary directory to delete at exit otherwise. */
    private final Path temporary;
    /** Kept open (and so locked) until the JVM ends. */
    private final FileChannel inUse;

    private UnpackedWar(Path directory, List<URL> classPath, Path temporary, FileChannel inUse) {
        this.directory = directory;
        this.classPath = classPath;
        this.temporary = temporary;
        this.inUse = inUse;
    }

    List<URL> classPath() {
        return classPath;
    }

    /** Where the copy is. */
    Path directory() {
        return directory;
    }

    /** The temporary directory to delete when the server stops, or null when the copy is kept. */
    Path temporary() {
        return temporary;
    }

    /** Lets go of the copy (its lock), for tests; a server keeps it until its JVM ends. */
    void release() throws IOException {
        if (inUse != null) {
            inUse.close();
        }
    }

    /** The kept copy for this WAR, made if missing; or a temporary one when there is no usable cache. */
    static UnpackedWar of(Path war) throws IOException {
        Path cache = cacheDirectory(System.getProperty("camstream.launcher-cache"), System.getenv());
        if (cache != null) {
            try {
                return kept(war, cache);
            } catch (IOException | RuntimeException e) {
                System.err.println("camstream: cannot use " + cache + " for the unpacked server (" + e.getMessage()
                        + "); unpacking to a temporary directory instead");
            }
        }
        Path temporary = Files.createTempDirectory("camstream-launcher-");
        try {
            return new UnpackedWar(temporary, urls(temporary, unpack(war, temporary)), temporary, null);
        } catch (IOException | RuntimeException e) {
            Main.deleteQuietly(temporary);
            throw e;
        }
    }

    static UnpackedWar kept(Path war, Path cache) throws IOException {
        Files.createDirectories(cache);
        requirePrivate(cache);
        Path directory = cache.resolve(PREFIX + fingerprint(war));
        List<URL> classPath = readClassPath(directory);
        if (classPath == null) {
            if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                if (inUse(directory)) {
                    throw new IOException(directory + " is incomplete and in use");
                }
                Main.deleteQuietly(directory); // an incomplete copy, part of it deleted by hand
            }
            Path partial = Files.createTempDirectory(cache, directory.getFileName() + ".partial-");
            try {
                Files.write(partial.resolve(CLASS_PATH_FILE), unpack(war, partial), StandardCharsets.UTF_8);
                Files.move(partial, directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileSystemException e) {
                // Most likely another camstream unpacked the same WAR meanwhile: its copy is used if complete.
                Main.deleteQuietly(partial);
            } catch (IOException | RuntimeException e) {
                Main.deleteQuietly(partial);
                throw e;
            }
            classPath = readClassPath(directory);
            if (classPath == null) {
                throw new IOException(directory + " is incomplete");
            }
        }
        FileChannel inUse = FileChannel.open(directory.resolve(IN_USE_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        inUse.lock(0, Long.MAX_VALUE, true);
        removeUnused(cache, directory);
        return new UnpackedWar(directory, classPath, null, inUse);
    }

    /** The cache directory to use, or null for none. */
    static Path cacheDirectory(String property, Map<String, String> environment) {
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String systemd = environment.get("CACHE_DIRECTORY");
        if (systemd != null && !systemd.isBlank()) {
            return Path.of(systemd.split(":")[0]); // several directories are separated by colons
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "camstream");
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isBlank() || !Files.isDirectory(Path.of(home)) || !Files.isWritable(Path.of(home))) {
            return null;
        }
        return Path.of(home, ".cache", "camstream");
    }

    /**
     * The copy is code this JVM runs: a directory that another user could write to would let them choose it.
     * Tightens a directory this user owns; refuses one they do not.
     */
    private static void requirePrivate(Path cache) throws IOException {
        if (!Files.getFileStore(cache).supportsFileAttributeView("posix")) {
            return;
        }
        String owner = Files.getOwner(cache, LinkOption.NOFOLLOW_LINKS).getName();
        if (!owner.equals(System.getProperty("user.name"))) {
            throw new IOException("it belongs to " + owner + ", not to " + System.getProperty("user.name"));
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(cache, LinkOption.NOFOLLOW_LINKS);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Names what the launcher unpacks: every entry it takes, by name, size and CRC, in the WAR's order. */
    static String fingerprint(Path war) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        digest.update(LAYOUT.getBytes(StandardCharsets.US_ASCII));
        try (ZipFile zip = new ZipFile(war.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (destination(entry) != null) {
                    digest.update((entry.getName() + "\n" + entry.getSize() + "\n" + entry.getCrc() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 12);
    }

    /** Where an entry goes in the copy, relative to it; null for entries the launcher does not need. */
    private static String destination(ZipEntry entry) {
        String name = entry.getName();
        if (entry.isDirectory() || name.contains("..")) {
            return null;
        }
        if ((name.startsWith("WEB-INF/lib-embedded/") || name.startsWith("WEB-INF/lib/")) && name.endsWith(".jar")) {
            return "lib/" + name.substring(name.lastIndexOf('/') + 1);
        }
        if (name.startsWith("WEB-INF/classes/")) {
            return "classes/" + name.substring("WEB-INF/classes/".length());
        }
        return null;
    }

    /** Unpacks the jars and classes the launcher needs; returns the class path, relative to target, classes first. */
    private static List<String> unpack(Path war, Path target) throws IOException {
        List<String> classPath = new ArrayList<>();
        Files.createDirectories(target.resolve("classes"));
        classPath.add("classes/");
        try (ZipFile zip = new ZipFile(war.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String relative = destination(entry);
                if (relative == null) {
                    continue;
                }
                if (relative.startsWith("lib/")) {
                    classPath.add(relative);
                }
                Path destination = target.resolve(relative);
                Files.createDirectories(destination.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, destination);
                }
            }
        }
        return classPath;
    }

    private static List<URL> urls(Path directory, List<String> classPath) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String relative : classPath) {
            urls.add(directory.resolve(relative).toUri().toURL());
        }
        return urls;
    }

    /** The class path of a complete copy; null when there is none. */
    private static List<URL> readClassPath(Path directory) throws IOException {
        Path file = directory.resolve(CLASS_PATH_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> classPath = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            if (!Files.exists(directory.resolve(line))) {
                return null; // something removed part of the copy: unpack again
            }
            classPath.add(line);
        }
        return urls(directory, classPath);
    }

    /** Deletes other copies (other versions, interrupted unpacks) that no running camstream holds. */
    private static void removeUnused(Path cache, Path current) {
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(cache, PREFIX + "*")) {
            for (Path copy : copies) {
                if (!copy.equals(current) && Files.isDirectory(copy, LinkOption.NOFOLLOW_LINKS) && !inUse(copy)
                        && !unpacking(copy)) {
                    Main.deleteQuietly(copy);
                }
            }
        } catch (IOException e) {
            // an old copy left behind is not worth failing the start for
        }
    }

    /** An unpack in progress, by another camstream starting at the same time: left alone for ten minutes. */
    private static boolean unpacking(Path copy) {
        if (!copy.getFileName().toString().contains(".partial-")) {
            return false;
        }
        try {
            return Files.getLastModifiedTime(copy).toMillis() > System.currentTimeMillis() - 600_000;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean inUse(Path copy) {
        Path lockFile = copy.resolve(IN_USE_FILE);
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException | IOException e) {
            return true;
        }
    }
}
