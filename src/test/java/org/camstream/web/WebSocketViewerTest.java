package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.camstream.stream.GopMailbox;
import org.camstream.stream.StreamStats;
import org.camstream.testing.BareTomcat;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A send that the container refuses (here: the session closed under the viewer) closes the viewer and gives
 * back what it held; it never leaves it half alive with a send "in progress" for good. In a real Tomcat.
 */
class WebSocketViewerTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private BareTomcat tomcat;

    @AfterEach
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
        pool.shutdownNow();
    }

    @Test
    void aSendTheContainerRefusesClosesTheViewer() throws Exception {
        CompletableFuture<Session> serverSide = new CompletableFuture<>();
        int port = start(serverSide);
        Session client = ContainerProvider.getWebSocketContainer().connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
            }
        }, jakarta.websocket.ClientEndpointConfig.Builder.create().build(), URI.create("ws://127.0.0.1:" + port + "/ws"));
        Session session = serverSide.get(10, TimeUnit.SECONDS);
        StreamStats stats = new StreamStats("ws");
        CompletableFuture<WebSocketViewer> closed = new CompletableFuture<>();
        WebSocketViewer viewer = new WebSocketViewer(session, GopMailbox.forVideo(30), stats, 10_000, pool,
                closed::complete);

        client.close();
        Poll.until(Duration.ofSeconds(10), "the server side to see the close", () -> !session.isOpen());
        viewer.sendStatus("{\"type\":\"status\",\"state\":\"restarting\"}", true);

        assertEquals(viewer, closed.get(10, TimeUnit.SECONDS), "the viewer closed itself");
        assertTrue(viewer.isClosed());
    }

    private int start(CompletableFuture<Session> serverSide) throws Exception {
        tomcat = BareTomcat.start(context -> {
            context.addServletContainerInitializer(new WsSci(), null);
            // The upgrade happens in a filter, and filters run only for a request some servlet would serve.
            Tomcat.addServlet(context, "default", new jakarta.servlet.http.HttpServlet() { });
            context.addServletMappingDecoded("/", "default");
            context.addServletContainerInitializer((classes, servletContext) -> {
                ServerContainer container = (ServerContainer) servletContext.getAttribute(
                        ServerContainer.class.getName());
                try {
                    container.addEndpoint(ServerEndpointConfig.Builder.create(Quiet.class, "/ws")
                            .configurator(new ServerEndpointConfig.Configurator() {
                                @Override
                                public <T> T getEndpointInstance(Class<T> type) {
                                    return type.cast(new Quiet(serverSide));
                                }
                            }).build());
                } catch (jakarta.websocket.DeploymentException e) {
                    throw new IllegalStateException(e);
                }
            }, null);
        });
        return tomcat.port();
    }

    /** Hands its session to the test, and ignores the close, as a viewer would not hear of it in time. */
    public static final class Quiet extends Endpoint {
        private final CompletableFuture<Session> sessions;

        public Quiet(CompletableFuture<Session> sessions) {
            this.sessions = sessions;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            sessions.complete(session);
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
        }
    }
}
