package org.camstream.timelapse;

import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.camstream.process.Scheduler;
import org.camstream.record.RecordingStorage;

/**
 * What every session is lent by {@link Timelapses}.
 *
 * @param scheduler the timers, and the wall clock the sessions' times are told in
 * @param files the one thread all file work runs on, in the order it was handed in; it must run one task at a
 *     time, since a still's setup and its end rely on running one after the other
 * @param storage where stills and metadata are written
 * @param nanoTime the clock the pictures' capture times are on ({@link System#nanoTime} in the server)
 * @param room asked before each still whether there is room for it, and told after
 */
record SessionContext(Scheduler scheduler, Executor files, RecordingStorage storage, LongSupplier nanoTime,
        Room room) {

    /** Hands a task to the files thread; false when it refused it (its queue is full, or the server stops). */
    boolean offer(Runnable task) {
        try {
            files.execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    /** The disk's side of a still. */
    interface Room {
        /** Null when a still may be written; else why not (the disk is under record-min-free). May delete. */
        String beforeWrite();

        /** A still was written: the retention may need to run. */
        void afterWrite();
    }
}
