package org.camstream.stream;

/** Something that comes in a numbered order, so that a receiver can ignore what it has already had. */
public interface Sequenced {
    long sequence();
}
