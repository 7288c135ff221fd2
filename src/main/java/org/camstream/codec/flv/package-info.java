/**
 * FLV as ffmpeg writes it: the container lets an ffmpeg-driven source hand over each H.264
 * access unit complete, with no frame of latency. See {@link org.camstream.codec.flv.FlvReader}.
 */
package org.camstream.codec.flv;
