package org.camstream.rtsp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's RTSP connection: what it sends, read and answered in order, and what goes back to it, the
 * responses and, for sessions that play over TCP, their RTP and RTCP interleaved between them. It is served by
 * the server's one thread alone, never blocks, and holds at most one picture's packets at a time: the pictures
 * behind wait in the session's mailbox, which skips to the next keyframe when the client falls behind.
 */
final class RtspConnection {

    /** Responses and reports waiting to be sent; past it, the client is read no more until they are. */
    static final int MAX_CONTROL = 32;

    private final SocketChannel channel;
    private final SelectionKey key;
    private final InetSocketAddress peer;
    private final ByteBuffer in = ByteBuffer.allocate(RequestReader.BUFFER_SIZE);
    private final RequestReader reader = new RequestReader();
    private final ArrayDeque<ByteBuffer> control = new ArrayDeque<>();
    private final List<RtspSession> sessions = new ArrayList<>(1);
    private final long openedNanos;
    private ByteBuffer[] media = new ByteBuffer[0];
    private ByteBuffer headers = ByteBuffer.allocate(0);
    private int mediaAt;
    private int mediaEnd;
    private long lastProgressNanos;
    private long lastRequestNanos;
    private boolean closing;
    private String user;
    /** A DESCRIBE waiting for the camera's first picture, answered by the server when it comes or times out. */
    private PendingDescribe pending;

    RtspConnection(SocketChannel channel, SelectionKey key, long nowNanos) throws IOException {
        this.channel = channel;
        this.key = key;
        this.peer = (InetSocketAddress) channel.getRemoteAddress();
        this.openedNanos = nowNanos;
        this.lastProgressNanos = nowNanos;
        this.lastRequestNanos = nowNanos;
    }

    record PendingDescribe(RtspRequest request, String cameraName, long deadlineNanos,
            org.camstream.process.Lease warmUp) {
    }

    /**
     * Reads what arrived and hands each request to {@code handler} in order.
     *
     * @return false when the connection is done: the client closed it, or sent what cannot be read
     */
    boolean read(RequestHandler handler, long nowNanos) throws IOException {
        int n = channel.read(in);
        if (n < 0) {
            return false;
        }
        return parse(handler, nowNanos);
    }

    /** Parses what is buffered, as far as the queue of answers allows. */
    boolean parse(RequestHandler handler, long nowNanos) {
        in.flip();
        try {
            while (!closing && pending == null && control.size() < MAX_CONTROL) {
                RequestReader.Item item;
                try {
                    item = reader.next(in);
                } catch (RtspException e) {
                    send(RtspResponse.of(e).closing(), null);
                    return true; // closed once the answer is out
                }
                if (item == null) {
                    break;
                }
                if (item instanceof RequestReader.Request request) {
                    lastRequestNanos = nowNanos;
                    handler.handle(this, request.request(), nowNanos);
                } else if (item instanceof RequestReader.Interleaved frame) {
                    handler.interleaved(this, frame, nowNanos);
                }
            }
        } finally {
            in.compact();
        }
        interest();
        return true;
    }

    /** Queues a response; a closing one ends the connection once it is sent. */
    void send(RtspResponse response, String cseq) {
        control.add(response.toBytes(cseq));
        if (response.closes()) {
            closing = true;
        }
    }

    /** Queues an RTCP packet for an interleaved channel. */
    void sendInterleaved(int channelId, ByteBuffer packet) {
        if (control.size() >= MAX_CONTROL * 2) {
            return; // a client that reads nothing gets no more reports; its stall ends it
        }
        ByteBuffer framed = ByteBuffer.allocate(4 + packet.remaining());
        framed.put((byte) '$').put((byte) channelId).putShort((short) packet.remaining()).put(packet).flip();
        control.add(framed);
    }

    /** Whether a picture's packets may be handed over now: nothing of the last picture is left to write. */
    boolean mediaIdle() {
        return mediaAt >= mediaEnd;
    }

    /** The array the next picture's buffers go in, at least {@code size} long. */
    ByteBuffer[] mediaArray(int size) {
        if (media.length < size) {
            media = new ByteBuffer[Math.max(size, media.length * 2)];
        }
        return media;
    }

    /**
     * Room for the next picture's headers, cleared: reused from picture to picture, since a picture is handed
     * over only when the last one is written. It grows to the largest picture's, 16 bytes a packet.
     */
    ByteBuffer headerScratch(int size) {
        if (headers.capacity() < size) {
            headers = ByteBuffer.allocate(Math.max(size, headers.capacity() * 2));
        }
        headers.clear();
        return headers;
    }

    /** Hands over the buffers just put in {@link #mediaArray}, to be written in order. */
    void mediaReady(int count) {
        mediaAt = 0;
        mediaEnd = count;
    }

    /**
     * Writes what it can without waiting: the rest of the current picture first (a response never cuts an
     * interleaved frame), then the responses, then, through {@code refill}, the next pictures.
     *
     * @return false when the connection failed or has finished closing
     */
    boolean flush(Runnable refill, long nowNanos) throws IOException {
        while (true) {
            if (mediaAt < mediaEnd) {
                long written = channel.write(media, mediaAt, mediaEnd - mediaAt);
                if (written > 0) {
                    lastProgressNanos = nowNanos;
                }
                while (mediaAt < mediaEnd && !media[mediaAt].hasRemaining()) {
                    media[mediaAt++] = null;
                }
                if (mediaAt < mediaEnd) {
                    break; // the socket is full
                }
                continue;
            }
            ByteBuffer next = control.peek();
            if (next != null) {
                if (channel.write(next) > 0) {
                    lastProgressNanos = nowNanos;
                }
                if (next.hasRemaining()) {
                    break;
                }
                control.poll();
                continue;
            }
            if (closing) {
                return false;
            }
            refill.run();
            if (mediaAt >= mediaEnd) {
                lastProgressNanos = nowNanos; // nothing waits: idle is not stalled
                break;
            }
        }
        interest();
        return true;
    }

    /** Reads while answers have room; writes while anything waits. */
    private void interest() {
        if (!key.isValid()) {
            return;
        }
        int ops = 0;
        if (!closing && pending == null && control.size() < MAX_CONTROL) {
            ops |= SelectionKey.OP_READ;
        }
        if (mediaAt < mediaEnd || !control.isEmpty()) {
            ops |= SelectionKey.OP_WRITE;
        }
        key.interestOps(ops);
    }

    /** Whether something waits to be written and none of it went out for {@code limitNanos}. */
    boolean stalled(long nowNanos, long limitNanos) {
        boolean waiting = mediaAt < mediaEnd || !control.isEmpty();
        return waiting && nowNanos - lastProgressNanos > limitNanos;
    }

    boolean hasBuffered() {
        return in.position() > 0;
    }

    void setPending(PendingDescribe describe) {
        pending = describe;
        interest();
    }

    PendingDescribe pending() {
        return pending;
    }

    /** Drops what the connection held for writing: it is going. */
    void discard() {
        for (int i = mediaAt; i < mediaEnd; i++) {
            media[i] = null;
        }
        mediaAt = mediaEnd = 0;
        control.clear();
        if (pending != null && pending.warmUp() != null) {
            pending.warmUp().close();
        }
        pending = null;
    }

    SocketChannel channel() {
        return channel;
    }

    SelectionKey key() {
        return key;
    }

    InetSocketAddress peer() {
        return peer;
    }

    List<RtspSession> sessions() {
        return sessions;
    }

    long lastRequestNanos() {
        return lastRequestNanos;
    }

    long openedNanos() {
        return openedNanos;
    }

    boolean closing() {
        return closing;
    }

    void markClosing() {
        closing = true;
    }

    String user() {
        return user;
    }

    void setUser(String user) {
        this.user = user;
    }
}
