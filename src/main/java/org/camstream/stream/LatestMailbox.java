package org.camstream.stream;

import java.util.concurrent.atomic.AtomicReference;

/** Holds one item: a newer one replaces it, so a slow viewer skips straight to the newest picture. */
public final class LatestMailbox<T> implements Mailbox<T> {

    private final AtomicReference<T> pending = new AtomicReference<>();

    @Override
    public int put(T item) {
        return pending.getAndSet(item) == null ? 0 : 1;
    }

    @Override
    public T take() {
        return pending.getAndSet(null);
    }

    @Override
    public boolean isEmpty() {
        return pending.get() == null;
    }

    @Override
    public void clear() {
        pending.set(null);
    }
}
