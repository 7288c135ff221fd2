package org.camstream.process;

import java.time.Instant;
import java.util.List;

/**
 * A consistent snapshot of one supervised process for status pages. Every text in it has its secrets masked.
 *
 * @param since when the supervisor entered {@code state}
 * @param restarts how many times the process was started again after it ended on its own
 * @param pid the running process's id, or null
 */
public record ProcessStatus(ProcessState state, Instant since, int restarts, Trouble trouble, Long pid,
        RecentOutput output) {

    /**
     * What went wrong.
     *
     * @param current the trouble the process is in now; null once it delivers again
     * @param previous the last trouble it recovered from, kept as history
     * @param retryAt when the next start is due, while the state is {@link ProcessState#RESTARTING}
     */
    public record Trouble(ProcessError current, ProcessError previous, Instant retryAt) {
        public static final Trouble NONE = new Trouble(null, null, null);
    }

    /**
     * @param lines how many lines the processes printed in all, of which {@code recent} are the last
     * @param notes facts about how the running process works (software encoding, stream copy...)
     */
    public record RecentOutput(long lines, List<String> recent, List<String> notes) {
        public RecentOutput {
            recent = List.copyOf(recent);
            notes = List.copyOf(notes);
        }
    }

    public ProcessError lastError() {
        return trouble.current();
    }

    public ProcessError previousError() {
        return trouble.previous();
    }

    public Instant retryAt() {
        return trouble.retryAt();
    }

    /** In trouble now: an error not yet recovered from, or a restart pending. */
    public boolean inTrouble() {
        return trouble.current() != null || state == ProcessState.RESTARTING;
    }
}
