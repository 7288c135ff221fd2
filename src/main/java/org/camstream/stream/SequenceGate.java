package org.camstream.stream;

/**
 * Lets each item through once, in order: a subscriber is offered the latest item when it subscribes, which may
 * race the producer's next one, and a repeat or an older item must not reach the viewer twice or backwards.
 * Its lock guards one number and calls nothing.
 */
public final class SequenceGate {

    private long last = Long.MIN_VALUE;

    /** True the first time a sequence newer than every one before comes. */
    public synchronized boolean admit(long sequence) {
        if (sequence <= last) {
            return false;
        }
        last = sequence;
        return true;
    }
}
