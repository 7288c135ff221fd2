package org.camstream.launcher;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The entry point of {@code java -jar camstream.war}. It sits at the WAR's root and uses only the JDK:
 * it unpacks the embedded Tomcat (kept in {@code WEB-INF/lib-embedded} so that a real Tomcat never loads
 * it) and the application's own jars once (see {@link UnpackedWar}), and hands over to
 * {@code EmbeddedServer} in a class loader made of them.
 */
public final class Main {

    /**
     * The exit status after a VirtualMachineError: 3, as with -XX:+ExitOnOutOfMemoryError, so that a service
     * manager treats it as a failure (systemd's Restart=on-failure restarts it).
     */
    static final int EXIT_ON_VM_ERROR = 3;

    /** Made before it is needed: when the heap has run out, building a message fails too. */
    private static final byte[] VM_ERROR_MESSAGE = ("camstream: terminating the JVM after a fatal error, so that it"
            + " can be restarted instead of staying up unable to serve: ").getBytes(StandardCharsets.US_ASCII);

    /** Where the message is put together, without allocating: the error's name, message and thread. */
    private static final byte[] VM_ERROR_LINE = new byte[1024];

    /** What is said when even putting the line together fails: the one error that is likely then. */
    private static final byte[] OOM_FALLBACK = (new String(VM_ERROR_MESSAGE, StandardCharsets.US_ASCII)
            + OutOfMemoryError.class.getName() + "\n").getBytes(StandardCharsets.US_ASCII);

    static {
        // Class.getName() allocates the name the first time it is asked for: not when the heap is gone.
        for (Class<?> type : List.of(OutOfMemoryError.class, StackOverflowError.class, InternalError.class,
                UnknownError.class)) {
            type.getName();
        }
    }

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        exitOnVirtualMachineError();
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
        Path war = locateWar();
        UnpackedWar unpacked = UnpackedWar.of(war);
        Path temporary = unpacked.temporary();
        try {
            URLClassLoader loader = new URLClassLoader("camstream-launcher", unpacked.classPath().toArray(new URL[0]),
                    ClassLoader.getPlatformClassLoader());
            Thread.currentThread().setContextClassLoader(loader);
            // From here on EmbeddedServer owns a temporary copy and deletes it once Tomcat has stopped.
            loader.loadClass("org.camstream.launcher.EmbeddedServer")
                    .getMethod("run", Path.class, Path.class, String[].class)
                    .invoke(null, war, temporary, args);
        } catch (InvocationTargetException e) {
            deleteQuietly(temporary);
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } catch (ReflectiveOperationException | RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
    }

    /**
     * Makes an OutOfMemoryError (or any other VirtualMachineError) that kills a thread end the process.
     * {@code java -jar} cannot take -XX:+ExitOnOutOfMemoryError from the manifest, and without it a heap that
     * runs out kills Tomcat's Acceptor or Poller thread and leaves a process that is alive but answers nothing,
     * which no service manager restarts. Tomcat lets these errors through to the thread's end
     * (ExceptionUtils.handleThrowable rethrows every VirtualMachineError but StackOverflowError), where this
     * handler halts the JVM: halt, not exit, because shutdown hooks would need the memory that is missing and
     * could hang. The camera processes are not left behind: their connections to the JVM close with it, and
     * ffmpeg ends as soon as it can no longer write.
     */
    static void exitOnVirtualMachineError() {
        // Class names are cached once asked for, so that the handler need not allocate them.
        for (Class<?> type : List.of(OutOfMemoryError.class, StackOverflowError.class, InternalError.class,
                UnknownError.class)) {
            type.getName();
        }
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            if (error instanceof VirtualMachineError) {
                // Several threads usually run out at once: the first one says so and halts, the others wait for
                // it here (taking a monitor needs no heap).
                synchronized (VM_ERROR_LINE) {
                    try {
                        int length = append(0, VM_ERROR_MESSAGE);
                        length = append(length, error.getClass().getName());
                        if (error.getMessage() != null) {
                            length = append(append(length, ": "), error.getMessage());
                        }
                        length = append(append(append(length, " in thread \""), thread.getName()), "\"");
                        VM_ERROR_LINE[length++] = '\n';
                        System.err.write(VM_ERROR_LINE, 0, length); // one write, not torn apart by other lines
                        System.err.flush();
                    } catch (Throwable failed) {
                        if (error instanceof OutOfMemoryError) {
                            System.err.write(OOM_FALLBACK, 0, OOM_FALLBACK.length);
                            System.err.flush();
                        }
                    } finally {
                        Runtime.getRuntime().halt(EXIT_ON_VM_ERROR);
                    }
                }
            }
            // What the JVM prints when there is no handler.
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            error.printStackTrace(System.err);
        });
    }

    private static int append(int at, byte[] bytes) {
        int n = Math.min(bytes.length, VM_ERROR_LINE.length - 1 - at);
        System.arraycopy(bytes, 0, VM_ERROR_LINE, at, n);
        return at + n;
    }

    /** Copies the text as ASCII, one char at a time, rather than encoding it into a new array. */
    private static int append(int at, String text) {
        for (int i = 0; i < text.length() && at < VM_ERROR_LINE.length - 2; i++) {
            char c = text.charAt(i);
            VM_ERROR_LINE[at++] = (byte) (c >= ' ' && c < 127 ? c : '?');
        }
        return at;
    }

    private static Path locateWar() throws URISyntaxException {
        Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(location)) {
            throw new IllegalStateException("run camstream from its WAR: java -jar target/camstream.war");
        }
        return location;
    }

    static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
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
