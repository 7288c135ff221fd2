package org.camstream.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The entry point of {@code java -jar camstream.war}. It sits at the WAR's root and uses only the JDK:
 * it unpacks the embedded Tomcat (kept in {@code WEB-INF/lib-embedded} so that a real Tomcat never loads
 * it) and the application's own jars to a private temporary directory, and hands over to
 * {@code EmbeddedServer} in a class loader made of them.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
        Path war = locateWar();
        Path unpacked = Files.createTempDirectory("camstream-launcher-");
        try {
            List<URL> classpath = unpack(war, unpacked);
            URLClassLoader loader = new URLClassLoader("camstream-launcher", classpath.toArray(new URL[0]),
                    ClassLoader.getPlatformClassLoader());
            Thread.currentThread().setContextClassLoader(loader);
            // From here on EmbeddedServer owns the directory and deletes it once Tomcat has stopped.
            loader.loadClass("org.camstream.launcher.EmbeddedServer")
                    .getMethod("run", Path.class, Path.class, String[].class)
                    .invoke(null, war, unpacked, args);
        } catch (InvocationTargetException e) {
            deleteQuietly(unpacked);
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            deleteQuietly(unpacked);
            throw e;
        }
    }

    private static Path locateWar() throws URISyntaxException {
        Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(location)) {
            throw new IllegalStateException("run camstream from its WAR: java -jar target/camstream.war");
        }
        return location;
    }

    /** Unpacks the jars and classes the launcher needs; returns them as a class path. */
    private static List<URL> unpack(Path war, Path target) throws IOException {
        List<URL> urls = new ArrayList<>();
        Path classes = Files.createDirectories(target.resolve("classes"));
        urls.add(classes.toUri().toURL());
        try (ZipFile zip = new ZipFile(war.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                Path destination;
                if (entry.isDirectory() || name.contains("..")) {
                    continue;
                } else if ((name.startsWith("WEB-INF/lib-embedded/") || name.startsWith("WEB-INF/lib/"))
                        && name.endsWith(".jar")) {
                    destination = target.resolve("lib").resolve(name.substring(name.lastIndexOf('/') + 1));
                    urls.add(destination.toUri().toURL());
                } else if (name.startsWith("WEB-INF/classes/")) {
                    destination = classes.resolve(name.substring("WEB-INF/classes/".length()));
                } else {
                    continue;
                }
                Files.createDirectories(destination.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, destination);
                }
            }
        }
        return urls;
    }

    static void deleteQuietly(Path directory) {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing the shutdown for
        }
    }
}
