package org.camstream.codec.h264;

import java.util.Objects;

/**
 * One coded picture as the camera's parser found it: its NAL units, parameter sets included when it is a
 * keyframe, and the SPS and PPS it decodes with. Made once per picture, so that nothing downstream parses the
 * same bytes again or keeps a second cache of the parameter sets.
 */
public record CodedPicture(AccessUnit accessUnit, ParameterSetCache.Snapshot parameters) {

    public CodedPicture {
        Objects.requireNonNull(accessUnit, "accessUnit");
        Objects.requireNonNull(parameters, "parameters");
    }

    public boolean isKeyframe() {
        return accessUnit.isKeyframe();
    }
}
