/**
 * The camera: one supervised capture process at a time, and the processes, sources and parsers under it.
 *
 * <ul>
 *   <li>{@link org.camstream.camera.CaptureSupervisor} is the door: viewers take a
 *       {@link org.camstream.process.Lease}, and pictures come out as {@link org.camstream.stream.Frame}s.</li>
 *   <li>{@code camera.process} runs programs (ffmpeg through jaffree, rpicam-vid directly), stops them
 *       politely then firmly, and keeps their output, masked and rate-limited.</li>
 *   <li>{@code camera.source} knows each source's command line: the test pattern, rpicam-vid, video4linux,
 *       any ffmpeg input, and the transcoder between the two codecs.</li>
 *   <li>{@code camera.picture} turns a program's output bytes into whole pictures.</li>
 * </ul>
 *
 * <p><b>The locking rule, for every class here and in the packages that use them:</b> no component calls out
 * while it holds its own lock. No callback, listener, lease release, publish, process start or stop runs
 * under a lock; a state machine decides under its lock what must happen, lets go of the lock, and then does
 * it. A lock only ever guards a component's own fields, so no two locks are ever held in opposite orders.
 * Scheduling a task is not a call out: the task runs later, on another thread, and takes what it needs itself.
 */
package org.camstream.camera;
