package org.camstream.camera.picture;

import org.camstream.process.SampleListener;

import java.util.ArrayList;
import java.util.List;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.CodedPicture;
import org.camstream.codec.h264.NalUnit;
import org.camstream.codec.h264.ParameterSetCache;

/**
 * Turns a camera's access units into self-contained pictures: every keyframe goes out with the SPS and PPS
 * in front of it, taken from the cache when the camera sent them only once (or only in a container's
 * header), so that any viewer can start at any keyframe. Pictures before the first decodable keyframe are
 * dropped. Not thread-safe: the camera's reader thread calls it.
 */
public final class SelfContainedPictures {

    private final SampleListener listener;
    private final ParameterSetCache parameters = new ParameterSetCache();
    private boolean started;

    public SelfContainedPictures(SampleListener listener) {
        this.listener = listener;
    }

    /** Parameter sets that came outside the picture stream, from a container's decoder configuration. */
    public void onParameterSets(NalUnit sps, NalUnit pps) {
        parameters.update(sps);
        parameters.update(pps);
    }

    public void onAccessUnit(AccessUnit au) {
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
        AccessUnit whole = au;
        if (addParameters) {
            List<NalUnit> nals = new ArrayList<>(au.nalUnits().size() + 2);
            nals.add(params.sps().nal());
            nals.add(params.pps());
            nals.addAll(au.nalUnits());
            whole = AccessUnit.of(nals);
        }
        AccessUnit.AnnexB annexB = whole.toAnnexB();
        listener.onPicture(annexB.bytes(), new CodedPicture(annexB.accessUnit(), params));
    }
}
