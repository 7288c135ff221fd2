package org.camstream.camera;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws the picture viewers see while the camera is offline: dark grey, a title, a short reason and what
 * camstream is doing about it, centred, as a JPEG. Pictures are drawn at most {@value #MAX_PIXELS} pixels
 * large (1080p), keeping the stream's shape, so that a 4K camera cannot make one take most of a small heap.
 */
final class PlaceholderImage {

    static final int MAX_PIXELS = 1920 * 1080;
    private static final Color BACKGROUND = new Color(0x26, 0x2a, 0x30);
    private static final Color TITLE = new Color(0xf2, 0xf2, 0xf2);
    private static final Color TEXT = new Color(0xc8, 0xcc, 0xd2);
    private static final int MAX_LINE_CHARS = 44;

    private PlaceholderImage() {
    }

    static byte[] render(int width, int height, String title, String reason, String action) {
        double scale = Math.min(1, Math.sqrt((double) MAX_PIXELS / ((long) width * height)));
        int w = Math.max(16, (int) Math.round(width * scale)) & ~1;
        int h = Math.max(16, (int) Math.round(height * scale)) & ~1;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, w, h);
            drawText(g, w, h, title, reason, action);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream(32 * 1024);
        try {
            ImageIO.write(image, "jpg", jpeg);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the placeholder picture", e);
        }
        return jpeg.toByteArray();
    }

    private static void drawText(Graphics2D g, int w, int h, String title, String reason, String action) {
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int titleSize = Math.max(12, Math.min(w / 14, h / 8));
            int textSize = Math.max(10, titleSize / 2);
            List<String> lines = new ArrayList<>(wrap(reason));
            lines.add(action);
            Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, titleSize);
            Font textFont = new Font(Font.SANS_SERIF, Font.PLAIN, textSize);
            int lineGap = textSize / 2;
            int total = titleSize + lineGap * 2 + lines.size() * (textSize + lineGap);
            int y = (h - total) / 2 + titleSize;
            g.setFont(titleFont);
            g.setColor(TITLE);
            centred(g, title, w, y);
            y += lineGap * 2;
            g.setFont(textFont);
            g.setColor(TEXT);
            for (String line : lines) {
                y += textSize + lineGap;
                centred(g, line, w, y);
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // A system without fonts cannot draw text; the plain dark picture still says the camera is not live.
        }
    }

    private static void centred(Graphics2D g, String text, int width, int baseline) {
        FontMetrics metrics = g.getFontMetrics();
        g.drawString(text, Math.max(0, (width - metrics.stringWidth(text)) / 2), baseline);
    }

    /** The reason in lines of at most {@value #MAX_LINE_CHARS} characters, two at most. */
    static List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > MAX_LINE_CHARS) {
                lines.add(line.toString());
                line.setLength(0);
                if (lines.size() == 2) {
                    break;
                }
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word.length() > MAX_LINE_CHARS ? word.substring(0, MAX_LINE_CHARS - 1) + "…" : word);
        }
        if (lines.size() < 2 && line.length() > 0) {
            lines.add(line.toString());
        } else if (lines.size() == 2 && line.length() > 0) {
            String last = lines.get(1);
            lines.set(1, (last.length() > MAX_LINE_CHARS - 1 ? last.substring(0, MAX_LINE_CHARS - 1) : last) + "…");
        }
        return lines;
    }
}
