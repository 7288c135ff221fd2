/**
 * Child processes, and their supervision: what runs a program, watches it and starts it again, whatever the
 * program is for (a camera, a transcoder, a sound source, a relay's ffmpeg).
 *
 * <ul>
 *   <li>{@link org.camstream.process.Supervisor} keeps one process running while it is wanted: the state machine
 *       ({@link org.camstream.process.ProcessState}), the backoff ({@link org.camstream.process.RestartPolicy}),
 *       the errors ({@link org.camstream.process.ProcessError}) and the status
 *       ({@link org.camstream.process.ProcessStatus}), written once for every kind of process.</li>
 *   <li>A {@link org.camstream.process.Lease} is a claim on a process; a {@link org.camstream.process.Scheduler}
 *       gives tasks and time, a real executor in the server and a virtual clock in tests.</li>
 *   <li>{@link org.camstream.process.FfmpegProcess} runs ffmpeg through jaffree,
 *       {@link org.camstream.process.ProgramProcess} any other program, and
 *       {@link org.camstream.process.DeferredProcess} looks around (probes) on its own thread first. Their bytes go
 *       to a {@link org.camstream.process.SampleParser}, whole samples to a
 *       {@link org.camstream.process.SampleListener}. {@link org.camstream.process.ProcessLog} keeps the output,
 *       masked, and logs it through a {@link org.camstream.process.LogLimiter}.</li>
 * </ul>
 *
 * <p><b>The locking rule, for every class here and in the packages that use them:</b> no component calls out
 * while it holds its own lock. No callback, listener, lease release, publish, process start or stop, timer that
 * is set or cancelled, or log line runs under a lock; a state machine decides under its lock what must happen,
 * lets go of the lock, and then does it. A lock only ever guards a component's own fields, so no lock is ever
 * taken while another is held, and none can be taken in opposite orders.
 */
package org.camstream.process;
