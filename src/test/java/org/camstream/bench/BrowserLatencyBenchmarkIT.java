package org.camstream.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camstream.testing.Browser;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Capture-to-display latency in headless Chromium with the MSE player, as the page itself measures it from
 * each fragment's prft box. Run it with
 * {@code mvn verify -Dit.test=BrowserLatencyBenchmarkIT -Dbenchmark=true [-Dseconds=30]}.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class BrowserLatencyBenchmarkIT {

    @Test
    void mseLatency() {
        int seconds = Integer.getInteger("seconds", 30);
        String size = System.getProperty("size", "1280x720");
        String[] wh = size.split("x");
        try (TestServer server = TestServer.start("--width", wh[0], "--height", wh[1])) {
            ChromeDriver browser = Browser.start();
            try {
                browser.get(server.uri("/?mode=mse").toString());
                JavascriptExecutor js = browser;
                Poll.until(Duration.ofSeconds(30), "playback", () -> js.executeScript(
                        "return window.camstream.stats().latencyMs") != null);
                List<Double> latencies = new ArrayList<>();
                List<Double> fps = new ArrayList<>();
                long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                Poll.until(Duration.ofSeconds(seconds + 30), "samples", () -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> stats = (Map<String, Object>) js.executeScript(
                            "return window.camstream.stats()");
                    latencies.add(((Number) stats.get("latencyMs")).doubleValue());
                    fps.add(((Number) stats.get("fps")).doubleValue());
                    return System.nanoTime() > end;
                });
                latencies.sort(null);
                fps.sort(null);
                Object reconnects = js.executeScript("return window.camstream.stats().reconnects");
                System.out.printf("%n=== browser latency (MSE over WebSocket, %s, %d s, %d samples) ===%n", size, seconds,
                        latencies.size());
                System.out.printf("capture-to-display latency: min %.0f ms, median %.0f ms, p95 %.0f ms, max %.0f ms%n",
                        latencies.get(0), latencies.get(latencies.size() / 2),
                        latencies.get(latencies.size() * 95 / 100), latencies.get(latencies.size() - 1));
                System.out.printf("displayed fps: median %.0f, min %.0f; reconnects %s%n", fps.get(fps.size() / 2),
                        fps.get(0), reconnects);
            } finally {
                browser.quit();
            }
        }
    }
}
