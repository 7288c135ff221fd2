package org.camstream.camera.picture;

import org.camstream.camera.CaptureListener;

import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;
import org.camstream.codec.h264.ParameterSetCache;

/**
 * Turns a camera's access units into self-contained pictures: every keyframe goes out with the SPS and PPS
 * in front of it, taken from the cache when the camera sent them only once (or only in a container's
 * header), so that any viewer can start at any keyframe. Pictures before the first decodable keyframe are
 * dropped. Not thread-safe: the camera's reader thread calls it.
 */
final class SelfContainedPictures {

    private final CaptureListener listener;
    private final ParameterSetCache parameters = new ParameterSetCache();
    private boolean started;

    SelfContainedPictures(CaptureListener listener) {
        this.listener = listener;
    }

    /** Parameter sets that came outside the picture stream, from a container's decoder configuration. */
    void onParameterSets(NalUnit sps, NalUnit pps) {
        parameters.update(sps);
        parameters.update(pps);
    }

    void onAccessUnit(AccessUnit au) {
        parameters.update(au);
        if (!au.hasPicture()) {
            return;
        }
        boolean keyframe = au.isKeyframe();
        ParameterSetCache.Snapshot params = parameters.snapshot();
        if (!started) {
            if (!keyframe || !params.isComplete()) {
                listener.onDiscard("H.264 picture before the first decodable keyframe", au.annexBSize());
                return;
            }
            started = true;
        }
        boolean addParameters = keyframe && (au.sps() == null || au.pps() == null);
        NalUnit sps = addParameters ? params.sps().nal() : null;
        NalUnit pps = addParameters ? params.pps() : null;
        int size = au.annexBSize() + (addParameters ? 8 + sps.size() + pps.size() : 0);
        byte[] annexB = new byte[size];
        int offset = 0;
        if (addParameters) {
            offset = writeNal(sps, annexB, offset);
            offset = writeNal(pps, annexB, offset);
        }
        au.writeAnnexB(annexB, offset);
        listener.onPicture(annexB, keyframe);
    }

    private static int writeNal(NalUnit nal, byte[] destination, int offset) {
        destination[offset + 3] = 1;
        return nal.copyTo(destination, offset + 4);
    }
}
