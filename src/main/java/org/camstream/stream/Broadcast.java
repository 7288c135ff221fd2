package org.camstream.stream;

/** Something viewers subscribe to: a {@link FanOut} of pictures or a {@link GopFanOut} of video. */
public interface Broadcast<T> {

    void subscribe(Subscriber<T> subscriber);

    void unsubscribe(Subscriber<T> subscriber);
}
