package org.camstream.rtp;

/**
 * The two RTP streams of a camera, as its session description numbers them: the pictures and, with sound,
 * the AAC track. Each has its dynamic payload type and the control name a client sets it up by.
 */
public enum RtpTrack {
    VIDEO(96, 0),
    AUDIO(97, 1);

    private final int payloadType;
    private final int id;

    RtpTrack(int payloadType, int id) {
        this.payloadType = payloadType;
        this.id = id;
    }

    /** The dynamic payload type the session description maps to this track's format. */
    public int payloadType() {
        return payloadType;
    }

    /** The number in the track's control name. */
    public int id() {
        return id;
    }

    /** What the session description's {@code a=control} gives, and what a SETUP request's URL ends in. */
    public String control() {
        return "trackID=" + id;
    }

    /** The track a SETUP URL's last segment names, such as {@code trackID=1}, or null for none. */
    public static RtpTrack ofControl(String control) {
        for (RtpTrack track : values()) {
            if (track.control().equals(control)) return track;
        }
        return null;
    }
}
