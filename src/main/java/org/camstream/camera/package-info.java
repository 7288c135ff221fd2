/**
 * The camera as one unit: {@link org.camstream.camera.Camera} owns everything between one device and its
 * viewers, and {@link org.camstream.camera.Cameras} is the server's registry of them, by name and in order.
 *
 * <ul>
 *   <li>{@link org.camstream.camera.CapturePath} is a camera's path of frames: its capture process, the
 *       transcoder to the other codec, the sound, and the pipelines whose fan-outs viewers subscribe to.</li>
 *   <li>{@link org.camstream.camera.CaptureSupervisor} shares one capture process among the viewers that hold a
 *       {@link org.camstream.process.Lease} on it: it starts with the first, stops {@code idle-stop} after the
 *       last, and is kept alive meanwhile by a {@link org.camstream.process.Supervisor}.</li>
 *   <li>{@link org.camstream.camera.JpegOutputs} and {@link org.camstream.camera.OfflinePlaceholder} are the JPEG
 *       side: the latest picture, the multipart parts, and the "camera offline" picture while there are none.</li>
 *   <li>{@link org.camstream.camera.ViewerLimit} caps the viewers of one camera and of the server;
 *       {@link org.camstream.camera.StreamCounters} and {@link org.camstream.camera.StatusHistory} are what the
 *       status shows of a camera.</li>
 *   <li>{@code camera.source} knows each source's command line: the test pattern, rpicam-vid, video4linux, any
 *       ffmpeg input, and the transcoder between the two codecs; it lists the webcams and Raspberry Pi cameras.</li>
 *   <li>{@code camera.picture} turns a program's output bytes into whole pictures, each H.264 one parsed once.</li>
 * </ul>
 *
 * <p>What a camera shares with the others is only what the server lends it ({@link
 * org.camstream.camera.CameraServices}): a scheduler thread for timers and the writer pool. So a camera that
 * fails, restarts, changes size or is removed touches no other camera's processes, caches or viewers.
 *
 * <p>The locking rule of {@code org.camstream.process} holds here: no component calls out while it holds its
 * own lock.
 */
package org.camstream.camera;
