/**
 * Frames and their fan-out to viewers: one copy of each picture, shared by every viewer, and a bounded
 * mailbox per viewer instead of a thread.
 *
 * <ul>
 *   <li>{@link org.camstream.stream.FanOut} hands JPEG pictures to every subscriber and keeps the latest;
 *       {@link org.camstream.stream.GopFanOut} does the same for H.264 and fMP4, with the group of pictures
 *       since the last keyframe for new viewers.</li>
 *   <li>Mailboxes bound what a viewer may have waiting: {@link org.camstream.stream.LatestMailbox} one
 *       picture (a slow viewer skips to the newest), {@link org.camstream.stream.GopMailbox} about a second of
 *       video and at most {@code GopFanOut.MAX_GOP_BYTES} plus 2 MB (a slow viewer skips to the next
 *       keyframe).</li>
 *   <li>{@link org.camstream.stream.H264Pipeline} makes the raw H.264 and fMP4 chunks of each picture once;
 *       with sound, each fMP4 chunk also carries the AAC frames that arrived since the picture before, which
 *       wait in a bounded {@link org.camstream.stream.AudioInbox} (2 s, the oldest dropped at the bound),
 *       stamped on the pictures' clocks by {@link org.camstream.stream.AudioSink}.</li>
 * </ul>
 *
 * <p>{@link org.camstream.stream.WriteLoop} keeps one write in flight per viewer, whatever the connection;
 * {@link org.camstream.stream.SequenceGate} lets each chunk through to a viewer once, in order.
 *
 * <p>No component calls out while it holds its own lock: fan-outs offer chunks with no lock held
 * ({@link org.camstream.stream.SerialRunner} keeps them in order), and a subscriber's {@code offer} only
 * puts the chunk in its mailbox and asks for a write, never writes or blocks.
 */
package org.camstream.stream;
