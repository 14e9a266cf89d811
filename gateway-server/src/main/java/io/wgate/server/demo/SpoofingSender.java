package io.wgate.server.demo;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.nio.ByteOrder;

/**
 * Sends UDP datagrams with any IPv4 source address, through a raw socket ({@code socket(AF_INET, SOCK_RAW,
 * IPPROTO_RAW)}, which needs {@code CAP_NET_RAW}; the kernel fills in the IP checksum, the total length and the
 * packet id). For the flood tests only: it runs inside the test's own Internet namespace and sends to a gateway
 * there. One buffer, reused: {@link #send} writes the headers in front of the payload.
 */
final class SpoofingSender implements AutoCloseable {

    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_RAW = 255;
    private static final int IPPROTO_UDP = 17;
    private static final int IP_HEADER = 20;
    private static final int UDP_HEADER = 8;
    private static final int SOCKADDR_IN = 16;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final MethodHandle SOCKET;
    private static final MethodHandle SENDTO;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        SOCKET = linker.downcallHandle(linker.defaultLookup().find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        SENDTO = linker.downcallHandle(linker.defaultLookup().find("sendto").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        CLOSE = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment packet;
    private final MemorySegment destination;
    private final int fd;
    private final int destinationPort;

    /** A sender to {@code destination:port} for payloads of at most {@code maxPayload} bytes. */
    SpoofingSender(Inet4Address destination, int port, int maxPayload) throws IOException {
        this.packet = arena.allocate(IP_HEADER + UDP_HEADER + maxPayload);
        this.destination = arena.allocate(SOCKADDR_IN);
        this.destinationPort = port;
        this.destination.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        this.destination.set(INT_BE, 4, toInt(destination));
        packet.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x45); // IPv4, 20-byte header
        packet.set(ValueLayout.JAVA_BYTE, 8, (byte) 64); // TTL
        packet.set(ValueLayout.JAVA_BYTE, 9, (byte) IPPROTO_UDP);
        packet.set(INT_BE, 16, toInt(destination));
        try {
            fd = (int) SOCKET.invokeExact(AF_INET, SOCK_RAW, IPPROTO_RAW);
        } catch (Throwable t) {
            arena.close();
            throw new IOException("socket(AF_INET, SOCK_RAW) failed", t);
        }
        if (fd < 0) {
            arena.close();
            throw new IOException("socket(AF_INET, SOCK_RAW) failed: CAP_NET_RAW is needed");
        }
    }

    static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
    }

    /**
     * Sends {@code payload[0, length)} from {@code sourceAddress:sourcePort} (the address as a big-endian int).
     *
     * @return whether the kernel took the datagram (false when its queue was full)
     */
    boolean send(int sourceAddress, int sourcePort, byte[] payload, int length) {
        packet.set(INT_BE, 12, sourceAddress);
        packet.set(SHORT_BE, IP_HEADER, (short) sourcePort);
        packet.set(SHORT_BE, IP_HEADER + 2, (short) destinationPort);
        packet.set(SHORT_BE, IP_HEADER + 4, (short) (UDP_HEADER + length));
        packet.set(SHORT_BE, IP_HEADER + 6, (short) 0); // no UDP checksum (allowed over IPv4)
        MemorySegment.copy(payload, 0, packet, ValueLayout.JAVA_BYTE, IP_HEADER + UDP_HEADER, length);
        try {
            long sent = (long) SENDTO.invokeExact(fd, packet, (long) (IP_HEADER + UDP_HEADER + length), 0,
                    destination, SOCKADDR_IN);
            return sent > 0;
        } catch (Throwable t) {
            throw new IllegalStateException("sendto failed", t);
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // closing a raw socket cannot fail in a way worth reporting
        }
        arena.close();
    }
}
