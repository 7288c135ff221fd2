package org.camstream.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's settings table lists every setting the code reads, with its default. */
class SettingsDocumentedTest {

    @Test
    void everySettingIsInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (Setting setting : Setting.values()) {
            String row = "| `" + setting.key() + "` | ";
            assertTrue(readme.contains(row), "README.md has no settings row for " + setting.key());
            String defaultValue = setting.defaultValue().isEmpty() ? "(none)" : "`" + setting.defaultValue() + "`";
            assertTrue(readme.contains(row + defaultValue + " |"),
                    "README.md gives another default for " + setting.key() + " than " + defaultValue);
        }
    }
}
