package org.camstream.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.camstream.camera.ViewerLimit;

/**
 * Refuses a WebSocket handshake with a 503 while the server or the camera serves its limit of viewers: the
 * endpoint itself can only close a connection it has already accepted.
 */
final class ViewerPlaceGuard implements Guard {

    private final Viewers viewers;

    ViewerPlaceGuard(Viewers viewers) {
        this.viewers = viewers;
    }

    @Override
    public boolean admit(HttpServletRequest request, HttpServletResponse response, Route route) throws IOException {
        String refusal = route.camera() == null ? null : viewers.refusal(route.camera());
        if (refusal != null) {
            Responses.sendUnavailable(response, ViewerLimit.RETRY_AFTER_SECONDS, refusal);
            return false;
        }
        return true;
    }
}
