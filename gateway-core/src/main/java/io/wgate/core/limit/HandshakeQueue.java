package io.wgate.core.limit;

import io.netty.buffer.ByteBuf;
import io.wgate.core.Protocol;
import java.net.InetSocketAddress;

/**
 * Bounded FIFO of handshake messages (types 1-3) waiting for handshake work, and the "under load"
 * signal derived from its depth (whitepaper §5.3; kernel {@code receive.c}). Keeping handshake
 * work in its own queue, drained with a budget, means a flood of initiations delays handshakes but
 * never the transport data processed as it arrives.
 *
 * <p>Pre-sized rings: no allocation per message. Owner thread only.
 */
public final class HandshakeQueue {

    private final ByteBuf[] messages;
    private final InetSocketAddress[] senders;
    private final int underLoadDepth;
    private int head;
    private int size;

    private long lastUnderLoadNanos;
    private boolean everUnderLoad;
    /** The current rate window of {@link #takenUnderLoad}: its start and the messages taken in it and the one before. */
    private long windowStartNanos;
    private int windowMessages;
    private int previousWindowMessages;

    private ByteBuf polledMessage;
    private InetSocketAddress polledSender;

    /** A queue of {@link Protocol#MAX_QUEUED_INCOMING_HANDSHAKES} messages. */
    public HandshakeQueue() {
        this(Protocol.MAX_QUEUED_INCOMING_HANDSHAKES);
    }

    /** A queue of {@code capacity} messages, under load at an eighth of that. */
    public HandshakeQueue(int capacity) {
        if (capacity < 8) {
            throw new IllegalArgumentException("handshake queue capacity must be at least 8, got " + capacity);
        }
        messages = new ByteBuf[capacity];
        senders = new InetSocketAddress[capacity];
        underLoadDepth = capacity / 8;
    }

    /** Takes ownership of {@code message} if there is room and returns true; returns false (caller keeps it) when full. */
    public boolean offer(ByteBuf message, InetSocketAddress sender) {
        if (size == messages.length) {
            return false;
        }
        int tail = (head + size) % messages.length;
        messages[tail] = message;
        senders[tail] = sender;
        size++;
        return true;
    }

    /**
     * Removes the oldest message; returns false when empty. The caller takes ownership of
     * {@link #polledMessage()} and reads {@link #polledSender()}.
     */
    public boolean poll() {
        if (size == 0) {
            return false;
        }
        polledMessage = messages[head];
        polledSender = senders[head];
        messages[head] = null;
        senders[head] = null;
        head = (head + 1) % messages.length;
        size--;
        return true;
    }

    /** The message taken by the latest successful {@link #poll}. */
    public ByteBuf polledMessage() {
        return polledMessage;
    }

    /** Its sender. */
    public InetSocketAddress polledSender() {
        return polledSender;
    }

    /**
     * Whether the device is under load: the queue holds at least an eighth of its capacity now, or
     * did less than {@link Protocol#UNDER_LOAD_AFTER_TIME_NANOS} ago.
     */
    public boolean isUnderLoad(long nowNanos) {
        return isUnderLoad(nowNanos, 0);
    }

    /**
     * As {@link #isUnderLoad(long)}, counting {@code elsewhere} messages that passed this queue but still wait for
     * their handshake work (on a worker) as if they were still queued here.
     */
    public boolean isUnderLoad(long nowNanos, int elsewhere) {
        if (size + elsewhere >= underLoadDepth) {
            lastUnderLoadNanos = nowNanos;
            everUnderLoad = true;
            return true;
        }
        return everUnderLoad && nowNanos - lastUnderLoadNanos < Protocol.UNDER_LOAD_AFTER_TIME_NANOS;
    }

    /**
     * A handshake message was taken for processing at {@code nowNanos}: whether the device is under load. As
     * {@link #isUnderLoad(long, int)}, and also while more messages than the queue holds are taken per
     * {@link Protocol#UNDER_LOAD_AFTER_TIME_NANOS}, in this window or the one before: a flood that the handshake work
     * keeps up with (so the queue never gets deep) keeps the device under load, where the queue depth alone would let
     * it out for a moment every second, and each flooded initiation would cost a Diffie-Hellman again. Peers rekeying
     * every two minutes stay below that rate up to some 250 000 of them (4 096 a second with the default capacity).
     * The windows are consecutive, each {@link Protocol#UNDER_LOAD_AFTER_TIME_NANOS} long.
     */
    public boolean takenUnderLoad(long nowNanos, int elsewhere) {
        long elapsed = nowNanos - windowStartNanos;
        if (elapsed >= Protocol.UNDER_LOAD_AFTER_TIME_NANOS) {
            boolean adjacent = elapsed < 2 * Protocol.UNDER_LOAD_AFTER_TIME_NANOS;
            previousWindowMessages = adjacent ? windowMessages : 0;
            windowStartNanos = adjacent ? windowStartNanos + Protocol.UNDER_LOAD_AFTER_TIME_NANOS : nowNanos;
            windowMessages = 0;
        }
        windowMessages++;
        if (windowMessages > messages.length || previousWindowMessages > messages.length) {
            lastUnderLoadNanos = nowNanos;
            everUnderLoad = true;
            return true;
        }
        return isUnderLoad(nowNanos, elsewhere);
    }

    /** When the latest under-load stretch ends unless the queue fills again (meaningful once it was under load). */
    public long underLoadUntilNanos() {
        return lastUnderLoadNanos + Protocol.UNDER_LOAD_AFTER_TIME_NANOS;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Releases every queued message; returns how many. */
    public int clear() {
        int released = 0;
        while (poll()) {
            polledMessage.release();
            released++;
        }
        polledMessage = null;
        polledSender = null;
        return released;
    }
}
