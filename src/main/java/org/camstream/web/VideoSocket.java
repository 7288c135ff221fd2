package org.camstream.web;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.List;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.process.Lease;
import org.camstream.stream.GopMailbox;

/**
 * {@code /ws/video} and {@code /cam/<name>/ws/video}: fMP4 over a WebSocket, for the Media Source Extensions
 * player. A handshake over a viewer limit is refused with a 503 by {@link ViewerPlaceGuard}; one that races past
 * it is closed at once with code 1013, "try again later", and one for a camera there is not with 4404. The only
 * message a client may send is a {@link ClockProbe}.
 */
final class VideoSocket extends Endpoint {

    static final String PATH = "/ws/video";
    static final String CAMERA_PATH = "/cam/{camera}/ws/video";
    private static final CloseReason.CloseCode TRY_AGAIN_LATER = CloseReason.CloseCodes.getCloseCode(1013);

    private final Cameras cameras;
    private final Viewers viewers;
    private WebSocketViewer viewer;

    VideoSocket(Cameras cameras, Viewers viewers) {
        this.cameras = cameras;
        this.viewers = viewers;
    }

    /** The endpoint at {@code path}: the first camera's, or any camera's by the path's {@code {camera}}. */
    static ServerEndpointConfig config(String path, Cameras cameras, Viewers viewers) {
        return ServerEndpointConfig.Builder.create(VideoSocket.class, path)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(new VideoSocket(cameras, viewers));
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
        String name = session.getPathParameters().get("camera");
        Camera camera = name == null ? cameras.first() : cameras.get(name);
        if (camera == null || camera.isClosed()) {
            refuse(session, Viewers.CAMERA_REMOVED, "no such camera");
            return;
        }
        Lease place = viewers.place(camera);
        if (place == null) {
            refuse(session, TRY_AGAIN_LATER, "camstream is serving its limit of viewers");
            return;
        }
        Lease lease;
        try {
            lease = Lease.both(place, camera.acquireMp4());
        } catch (RuntimeException e) {
            place.close();
            refuse(session, TRY_AGAIN_LATER, "camera " + camera.name() + " is closing");
            return;
        }
        var stats = camera.counters().ws;
        stats.viewerJoined();
        OpenViewers<WebSocketViewer> open = viewers.sockets();
        viewer = new WebSocketViewer(session, GopMailbox.forVideo(camera.settings().fps()), stats,
                viewers.viewerTimeout().toMillis(), viewers.writers(), closed -> {
                    camera.mp4().unsubscribe(closed);
                    open.remove(closed);
                    stats.viewerLeft();
                    lease.close();
                });
        WebSocketViewer self = viewer;
        session.addMessageHandler(String.class, text -> ClockProbe.answer(text, self));
        open.add(viewer, camera);
        viewers.greet(viewer, camera);
        camera.mp4().subscribe(viewer);
        if (camera.isClosed()) {
            viewer.close(new CloseReason(Viewers.CAMERA_REMOVED, "camera removed")); // it went meanwhile
        }
        if (viewer.isClosed()) {
            // Closed while it was being registered (a client that left at once): its close ran before the
            // registrations above and undid none of them. Both removals are idempotent.
            camera.mp4().unsubscribe(viewer);
            open.remove(viewer);
        }
    }

    private static void refuse(Session session, CloseReason.CloseCode code, String why) {
        try {
            session.close(new CloseReason(code, why));
        } catch (IOException e) {
            // the client left already
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
