package org.camstream.web;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.List;
import org.camstream.camera.Lease;
import org.camstream.stream.GopMailbox;

/**
 * {@code /ws/video}: fMP4 over a WebSocket, for the Media Source Extensions player. A handshake over the
 * viewer limit is refused with a 503 by {@link ViewerLimitFilter}; one that races past it is closed at once
 * with code 1013, "try again later". The only message a client may send is a {@link ClockProbe}.
 */
final class VideoSocket extends Endpoint {

    static final String PATH = "/ws/video";
    private static final CloseReason.CloseCode TRY_AGAIN_LATER = CloseReason.CloseCodes.getCloseCode(1013);

    private final Camstream app;
    private WebSocketViewer viewer;

    VideoSocket(Camstream app) {
        this.app = app;
    }

    static ServerEndpointConfig config(Camstream app) {
        return ServerEndpointConfig.Builder.create(VideoSocket.class, PATH)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(new VideoSocket(app));
                    }

                    @Override
                    public List<Extension> getNegotiatedExtensions(List<Extension> installed,
                            List<Extension> requested) {
                        // permessage-deflate would compress every fragment again for every viewer.
                        return List.of();
                    }
                })
                .build();
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxTextMessageBufferSize(1024);
        session.setMaxBinaryMessageBufferSize(1024);
        Lease place = app.limit().tryAdmit();
        if (place == null) {
            try {
                session.close(new CloseReason(TRY_AGAIN_LATER, "camstream is serving its limit of viewers"));
            } catch (IOException e) {
                // the client left already
            }
            return;
        }
        Lease lease;
        try {
            lease = Lease.both(place, app.path().acquireMp4());
        } catch (RuntimeException e) {
            place.close();
            throw e;
        }
        StreamCounters counters = app.counters();
        counters.ws.viewerJoined();
        viewer = new WebSocketViewer(session, GopMailbox.forVideo(app.settings().fps()), counters.ws,
                app.settings().viewerTimeout().toMillis(), app.writers(), closed -> {
                    app.path().video().mp4().unsubscribe(closed);
                    app.webSockets().remove(closed);
                    counters.ws.viewerLeft();
                    lease.close();
                });
        WebSocketViewer self = viewer;
        session.addMessageHandler(String.class, text -> ClockProbe.answer(text, self));
        app.webSockets().add(viewer);
        app.webSockets().greet(viewer, app.path().camera().status());
        app.path().video().mp4().subscribe(viewer);
        if (viewer.isClosed()) {
            // Closed while it was being registered (a client that left at once): its close ran before the
            // registrations above and undid none of them. Both removals are idempotent.
            app.path().video().mp4().unsubscribe(viewer);
            app.webSockets().remove(viewer);
        }
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        if (viewer != null) {
            viewer.close(reason);
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        if (viewer != null) {
            viewer.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "error"));
        }
    }
}
