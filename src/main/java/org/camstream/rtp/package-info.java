/**
 * RTP for RTSP clients: each picture's packets made once and shared by every client, which adds only its own
 * 12-byte header.
 *
 * <ul>
 *   <li>{@link org.camstream.rtp.RtpPicture} is one picture's packets and those of the sound that came with
 *       it, made by {@link org.camstream.rtp.H264Packetizer} (RFC 6184, single NAL unit packets and FU-A) and
 *       {@link org.camstream.rtp.AacPacketizer} (RFC 3640, AAC-hbr), each into one array per picture.</li>
 *   <li>{@link org.camstream.rtp.RtpPayload} is one packet's shared part, a read-only view of that array;
 *       {@link org.camstream.rtp.RtpStream} is what a client's stream of a track has of its own (SSRC,
 *       sequence number, timestamp offset, counts), and writes its headers and
 *       {@link org.camstream.rtp.RtcpSenderReport sender reports}.</li>
 *   <li>{@link org.camstream.rtp.SessionDescription} is the SDP a DESCRIBE answers, and
 *       {@link org.camstream.rtp.RtcpMessage} reads what a client sends back, never trusting it.</li>
 * </ul>
 *
 * <p>This package sits beside {@code mp4}: it knows pictures, sound and tracks ({@code codec}, {@code mp4}),
 * never viewers or connections, and {@code stream.Mp4Chunk} makes a picture's packets when the first client
 * needs them.
 */
package org.camstream.rtp;
