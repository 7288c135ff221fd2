package org.camstream.web;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import org.camstream.camera.Lease;
import org.camstream.stream.GopMailbox;

/** {@code /ws/video}: fMP4 over a WebSocket, for the Media Source Extensions player. */
final class VideoSocket extends Endpoint {

    static final String PATH = "/ws/video";
    static final long SEND_TIMEOUT_MILLIS = 10_000;

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
        Lease lease = app.acquireVideo();
        app.wsStats().viewerJoined();
        viewer = new WebSocketViewer(session, GopMailbox.forVideo(app.settings().fps()), app.wsStats(),
                SEND_TIMEOUT_MILLIS, app.sendPool(), closed -> {
                    app.video().mp4().unsubscribe(closed);
                    app.webSockets().remove(closed);
                    app.wsStats().viewerLeft();
                    lease.close();
                });
        app.webSockets().add(viewer);
        app.video().mp4().subscribe(viewer);
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
