package org.camstream.testing;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket viewer of {@code /ws/video}, on Tomcat's WebSocket client, that keeps every message in order. */
public final class VideoSocketClient implements AutoCloseable {

    /** A text message (JSON) or a binary one. */
    public record Message(String text, byte[] binary) {
        public boolean isText() {
            return text != null;
        }
    }

    private final LinkedBlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final Session session;
    private volatile CloseReason closeReason;

    private VideoSocketClient(URI uri, String origin) throws Exception {
        WebSocketContainer container = ContainerProvider.getWebSocketContainer();
        container.setDefaultMaxBinaryMessageBufferSize(8 * 1024 * 1024);
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> headers) {
                        if (origin != null) {
                            headers.put("Origin", List.of(origin));
                        }
                    }
                })
                .build();
        this.session = container.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig endpointConfig) {
                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text ->
                        messages.add(new Message(text, null)));
                session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data -> {
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    messages.add(new Message(null, bytes));
                });
            }

            @Override
            public void onClose(Session session, CloseReason reason) {
                closeReason = reason;
            }
        }, config, uri);
    }

    public static VideoSocketClient connect(int port, String origin) throws Exception {
        return connect(port, "/ws/video", origin);
    }

    /** A client of the WebSocket at {@code path}, such as {@code /cam/garden/ws/video}. */
    public static VideoSocketClient connect(int port, String path, String origin) throws Exception {
        return new VideoSocketClient(URI.create("ws://127.0.0.1:" + port + path), origin);
    }

    /** The next message, waiting up to {@code seconds}. */
    public Message next(int seconds) throws InterruptedException {
        Message message = messages.poll(seconds, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no WebSocket message within " + seconds + " s (closed: " + closeReason + ")");
        }
        return message;
    }

    /** Sends a text message to the server. */
    public void send(String text) throws java.io.IOException {
        session.getBasicRemote().sendText(text);
    }

    public CloseReason closeReason() {
        return closeReason;
    }

    @Override
    public void close() throws Exception {
        if (session.isOpen()) {
            session.close();
        }
    }
}
