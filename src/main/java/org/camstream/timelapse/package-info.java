/**
 * Timelapses: one JPEG every so often, kept on disk per session, and rendered to an MP4 on request.
 *
 * <pre>
 * &lt;data-dir&gt;/timelapse/&lt;camera&gt;/&lt;session&gt;/000001.jpg, 000002.jpg, …   the stills, numbered without gaps
 *                                      session.json                    what the session is (SessionFiles)
 *                                      video.mp4                       the last render, once it succeeded
 * </pre>
 *
 * <ul>
 *   <li>{@link org.camstream.timelapse.Timelapses}: the server's part, one for every camera: the catalogue of
 *       sessions, the disk, the retention, the render queue, and the one thread that does their file work.</li>
 *   <li>{@link org.camstream.timelapse.CameraTimelapse}: a camera's sessions, the one started through the API
 *       and the continuous one its {@code timelapse-interval} asks for.</li>
 *   <li>{@link org.camstream.timelapse.TimelapseSession}: one session, and its one scheduled task that takes
 *       the next still.</li>
 *   <li>{@link org.camstream.timelapse.RenderQueue}: one render (ffmpeg) at a time for the whole server, a few
 *       waiting.</li>
 * </ul>
 *
 * <p>Threads: the timers run on the server's scheduler and only hand work on; everything that touches the files
 * (a still, a session's metadata, a deletion, a render's start and end) runs on the one timelapse thread, in
 * order, so that no two of them ever work on one directory at once. The locking rule of
 * {@link org.camstream.process} holds here too: a component decides under its own lock and calls out after.
 */
package org.camstream.timelapse;
