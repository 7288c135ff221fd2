package org.camstream.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.camstream.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded server's admin login. The password comes from the settings; when none is set, one is generated
 * at first start and stored in the data directory, readable by its owner only, so that a fresh install is never
 * open to anyone on the network. The log says where the password is, never the password: logs are read by more
 * people than the admin, and a journal keeps them for months.
 */
final class AdminCredentials {

    static final String PASSWORD_FILE = "admin-password";
    private static final Logger LOG = LoggerFactory.getLogger(AdminCredentials.class);
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private AdminCredentials() {
    }

    static String password(Settings settings) throws IOException {
        if (!settings.adminPassword().isEmpty()) {
            return settings.adminPassword();
        }
        Path file = settings.dataDir().resolve(PASSWORD_FILE);
        if (Files.isRegularFile(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!stored.isEmpty()) {
                return stored;
            }
        }
        Files.createDirectories(settings.dataDir());
        String password = generate();
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // an empty file left by an earlier attempt: overwrite it
        } catch (UnsupportedOperationException e) {
            Files.deleteIfExists(file);
            Files.createFile(file); // not a POSIX file system
        }
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        LOG.warn("Generated a password for the admin page (user '{}'). Read it with: cat {}  "
                + "Set admin-password to choose your own.", settings.adminUser(), file);
        return password;
    }

    /**
     * The file of the generated password as a person types it ({@code ~/.camstream/admin-password} under the
     * home directory), or null when the password comes from the settings.
     */
    static String generatedFile(Settings settings) {
        if (!settings.adminPassword().isEmpty()) {
            return null;
        }
        Path file = settings.dataDir().resolve(PASSWORD_FILE).toAbsolutePath().normalize();
        Path home = Path.of(System.getProperty("user.home")).toAbsolutePath().normalize();
        return file.startsWith(home) ? "~/" + home.relativize(file) : file.toString();
    }

    private static String generate() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
