/**
 * Publishing to a relay: for each URL of the {@code publish} setting, one ffmpeg stream-copies the camera's
 * H.264 to a media server (MediaMTX, nginx-rtmp, SRS), which then serves RTSP, WebRTC and many viewers from a
 * bigger machine.
 *
 * <ul>
 *   <li>{@link org.camstream.publish.Publishers} keeps one {@link org.camstream.publish.Publisher} per URL in
 *       step with the settings.</li>
 *   <li>A {@link org.camstream.publish.Publisher} supervises its ffmpeg: it holds a camera lease, restarts the
 *       process with backoff when the relay goes away, and reports state, bitrate and last error.</li>
 *   <li>{@link org.camstream.publish.PublishFeed} is the bounded queue between the camera's fMP4 fan-out and
 *       the process; {@link org.camstream.publish.PublishProcess} runs ffmpeg with
 *       {@link org.camstream.publish.PublishCommand}'s arguments.</li>
 * </ul>
 *
 * <p>The locking rule of {@code org.camstream.process} holds here too: nothing is called out under a lock.
 */
package org.camstream.publish;
