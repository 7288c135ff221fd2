package org.camstream.stream;

import org.camstream.mp4.InitSegment;

/**
 * What a decoder must be told before the pictures: the init segment, the codec string and the size. A new
 * generation starts whenever the camera's parameter sets change, as after a change of resolution.
 */
public record VideoTrack(InitSegment init, String codec, int width, int height, long generation) {
}
