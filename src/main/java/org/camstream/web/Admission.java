package org.camstream.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;
import org.camstream.camera.Lease;

/**
 * Lets a stream viewer in: a place under {@code max-viewers}, then a claim on the pictures it needs. Refused,
 * it gets a 503 with Retry-After, and nothing is left taken.
 */
final class Admission {

    private Admission() {
    }

    /** The viewer's lease, or null when it was refused and answered. */
    static Lease admit(Camstream app, HttpServletResponse response, Supplier<Lease> pictures) throws IOException {
        Lease place = app.limit().tryAdmit();
        if (place == null) {
            Responses.sendUnavailable(response, ViewerLimit.RETRY_AFTER_SECONDS, app.limit().refusal());
            return null;
        }
        try {
            return Lease.both(place, pictures.get());
        } catch (IllegalStateException e) {
            place.close();
            Responses.sendUnavailable(response, ViewerLimit.RETRY_AFTER_SECONDS, "camstream is stopping");
            return null;
        } catch (RuntimeException e) {
            place.close();
            throw e;
        }
    }
}
