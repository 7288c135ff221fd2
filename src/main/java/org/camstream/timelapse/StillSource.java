package org.camstream.timelapse;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.camstream.process.Lease;
import org.camstream.stream.Broadcast;
import org.camstream.stream.Frame;

/**
 * Where a camera's stills come from: a claim on its JPEG pictures (for an H.264 camera that starts the shared
 * transcoder, which stops again after idle-stop when nobody else needs it), the pictures themselves, how old a
 * picture may be and still count as live, and what to say when none came.
 *
 * @param lease takes a claim on the JPEG pictures; the session closes it as soon as it has its picture
 * @param pictures the camera's live JPEGs, at its full size
 * @param liveWindowNanos how long after its capture a picture still counts as live
 * @param trouble the state of the process that makes the JPEGs, with its last error, for a still that was missed
 */
public record StillSource(Supplier<Lease> lease, Broadcast<Frame> pictures, LongSupplier liveWindowNanos,
        Supplier<String> trouble) {
}
