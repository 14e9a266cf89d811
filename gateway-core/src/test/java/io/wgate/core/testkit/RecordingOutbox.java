package io.wgate.core.testkit;

import io.netty.buffer.ByteBuf;
import io.wgate.core.Outbox;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** An {@link Outbox} that keeps everything the engine produced, in order, for assertions. */
public final class RecordingOutbox implements Outbox {

    /** A datagram the engine wanted to send. */
    public record Datagram(ByteBuf content, InetSocketAddress recipient) {
        /** The message type byte. */
        public int type() {
            return content.getByte(content.readerIndex());
        }

        public int length() {
            return content.readableBytes();
        }
    }

    private final List<Datagram> datagrams = new ArrayList<>();
    private final List<ByteBuf> tunnelPackets = new ArrayList<>();
    private boolean refuseDatagrams;
    private int refusedDatagrams;
    private boolean declineCookieReplies;

    @Override
    public boolean sendDatagram(ByteBuf datagram, InetSocketAddress recipient) {
        if (recipient == null) {
            throw new AssertionError("engine sent a datagram without a recipient");
        }
        if (refuseDatagrams) {
            refusedDatagrams++;
            datagram.release();
            return false;
        }
        datagrams.add(new Datagram(datagram, recipient));
        return true;
    }

    /** Cookie replies are declined (released) while {@code decline} is true, as a socket near its limit does. */
    @Override
    public boolean sendCookieReply(ByteBuf reply, InetSocketAddress recipient) {
        if (declineCookieReplies) {
            reply.release();
            return false;
        }
        return sendDatagram(reply, recipient);
    }

    /** While {@code decline} is true, {@link #sendCookieReply} declines every reply. */
    public void declineCookieReplies(boolean decline) {
        this.declineCookieReplies = decline;
    }

    /** While {@code refuse} is true, datagrams are released and refused, as a backed-up socket does. */
    public void refuseDatagrams(boolean refuse) {
        this.refuseDatagrams = refuse;
    }

    /** Datagrams refused so far. */
    public int refusedDatagrams() {
        return refusedDatagrams;
    }

    @Override
    public void writeToTunnel(ByteBuf packet) {
        tunnelPackets.add(packet);
    }

    /** Removes and returns the datagrams sent so far; the caller owns their buffers. */
    public List<Datagram> takeDatagrams() {
        List<Datagram> taken = new ArrayList<>(datagrams);
        datagrams.clear();
        return taken;
    }

    /** Removes and returns the tunnel packets written so far; the caller owns them. */
    public List<ByteBuf> takeTunnelPackets() {
        List<ByteBuf> taken = new ArrayList<>(tunnelPackets);
        tunnelPackets.clear();
        return taken;
    }

    public boolean isEmpty() {
        return datagrams.isEmpty() && tunnelPackets.isEmpty();
    }

    /** Releases everything still held. */
    public void releaseAll() {
        for (Datagram d : datagrams) {
            d.content().release();
        }
        for (ByteBuf p : tunnelPackets) {
            p.release();
        }
        datagrams.clear();
        tunnelPackets.clear();
    }
}
