package org.camstream.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Every log record of this JVM while it is open (camstream's, Tomcat's, jaffree's), as formatted text. */
public final class LogCapture implements AutoCloseable {

    private final Logger root = Logger.getLogger("");
    private final List<String> lines = new ArrayList<>();
    private final Level previous = root.getLevel();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            String text = record.getLoggerName() + " " + record.getLevel() + " " + formatter.formatMessage(record);
            if (record.getThrown() != null) {
                text += " " + record.getThrown();
            }
            synchronized (lines) {
                lines.add(text);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public LogCapture() {
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The lines that contain {@code text}. */
    public List<String> containing(String text) {
        return lines().stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        root.setLevel(previous);
    }
}
