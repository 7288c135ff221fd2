/**
 * AAC as ffmpeg writes it to a pipe: ADTS frames ({@link org.camstream.codec.aac.AdtsReader}), each with a
 * 7 or 9 byte header ({@link org.camstream.codec.aac.AdtsHeader}) from which the MP4 track's
 * AudioSpecificConfig is built ({@link org.camstream.codec.aac.AudioSpecificConfig}).
 */
package org.camstream.codec.aac;
