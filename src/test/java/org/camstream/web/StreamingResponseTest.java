package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.camstream.stream.Broadcast;
import org.camstream.stream.Frame;
import org.camstream.stream.LatestMailbox;
import org.camstream.stream.Preamble;
import org.camstream.stream.StreamStats;
import org.camstream.stream.Subscriber;
import org.camstream.testing.BareTomcat;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Opening a stream that fails halfway gives back everything it took: the registry entry, the viewer count and
 * the lease. Run in a real embedded Tomcat, with a source that refuses the subscriber.
 */
class StreamingResponseTest {

    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    private BareTomcat tomcat;

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
        executor.shutdownNow();
    }

    @Test
    void aStreamThatCannotSubscribeLeavesNothingTaken() throws Exception {
        Viewers registry = new Viewers(() -> 100, executor, executor, () -> Duration.ofSeconds(10));
        StreamStats stats = new StreamStats("mjpeg");
        AtomicBoolean leaseClosed = new AtomicBoolean();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Broadcast<Frame> refusing = new Broadcast<>() {
            @Override
            public void subscribe(Subscriber<Frame> subscriber) {
                throw new IllegalStateException("the source is gone");
            }

            @Override
            public void unsubscribe(Subscriber<Frame> subscriber) {
            }
        };
        int port = start(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                try {
                    StreamingResponse.open(request, response, registry, null, () -> leaseClosed.set(true), refusing,
                            new LatestMailbox<>(), stats, frame -> true, Preamble.none());
                } catch (RuntimeException e) {
                    thrown.set(e); // the headers went out already; the connection is closed
                }
            }
        });

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stream")).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() >= 200, "an answer came");
        Poll.until(Duration.ofSeconds(5), "the failed open to be undone", leaseClosed::get);
        assertEquals("the source is gone", thrown.get().getMessage());
        assertEquals(0, registry.streams().size(), "no registry entry left");
        assertEquals(0, stats.viewers(), "no viewer counted");
    }

    private int start(HttpServlet servlet) throws Exception {
        tomcat = BareTomcat.start(context -> {
            Wrapper wrapper = Tomcat.addServlet(context, "stream", servlet);
            wrapper.setAsyncSupported(true);
            context.addServletMappingDecoded("/stream", "stream");
        });
        return tomcat.port();
    }
}
