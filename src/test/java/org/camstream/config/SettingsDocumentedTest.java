package org.camstream.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The settings table of docs/settings.md lists every setting the code reads, with its default. */
class SettingsDocumentedTest {

    @Test
    void everySettingIsInTheSettingsPage() throws IOException {
        String page = Files.readString(Path.of("docs/settings.md"));
        for (Setting setting : Setting.values()) {
            String row = "| `" + setting.key() + "` | ";
            assertTrue(page.contains(row), "docs/settings.md has no settings row for " + setting.key());
            String defaultValue = setting.defaultValue().isEmpty() ? "(none)" : "`" + setting.defaultValue() + "`";
            assertTrue(page.contains(row + defaultValue + " |"),
                    "docs/settings.md gives another default for " + setting.key() + " than " + defaultValue);
        }
    }
}
