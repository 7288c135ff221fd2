/**
 * Sound: the one supervised ffmpeg per camera that captures it and encodes AAC once for every viewer
 * ({@link org.camstream.audio.AudioCaptures}), the ADTS parser that hands on its frames
 * ({@link org.camstream.audio.AdtsSampleParser}), its level ({@link org.camstream.audio.AudioLevel}), and the
 * capture devices ALSA knows ({@link org.camstream.audio.AudioDevices}). The frames go to
 * {@link org.camstream.stream.AudioSink}, and from there into the fMP4 fragments of the pictures.
 */
package org.camstream.audio;
