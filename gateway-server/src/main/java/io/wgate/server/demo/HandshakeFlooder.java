package io.wgate.server.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.cookie.CookieGenerator;
import io.wgate.core.wire.Initiation;
import io.wgate.server.config.WgKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;

/**
 * A test and benchmark tool, not part of the gateway: floods a WireGuard port with junk, paced at a fixed rate, from
 * the namespace it runs in (the flood test, {@code HandshakeFloodIT}, and the flood benchmark,
 * {@code benchmarks/netns/bench.sh -T flood}, run it inside network namespaces they create)
 * ({@code java -cp <test class path> io.wgate.server.demo.HandshakeFlooder HOST PORT PUBLIC_KEY RATE SECONDS}).
 * Of every eight datagrams six are handshake initiations with random content but a valid mac1 for
 * {@code PUBLIC_KEY} (so the gateway must do the Diffie-Hellman to reject each one, or, once under load,
 * answer with a cookie reply), one is a random initiation with a wrong mac1, and one is random bytes of
 * random length. Counts the cookie replies it receives, which show the gateway was pushed under load,
 * prints {@value #FLOODING} once the first {@value #FLOODING_AFTER} datagrams have left, and
 * {@code sent N, cookie replies M} when done (N counts only datagrams the socket took).
 *
 * <p>With {@code SOURCES}, a comma-separated list of IPv4 {@code /24} prefixes, every datagram comes from a random
 * address in one of them (hosts 10-250) and a random port, through a raw socket ({@link SpoofingSender}): many
 * spoofed sources, on-link or off-link for the gateway depending on the prefix. Replies then go to those addresses,
 * so M is 0.
 */
public final class HandshakeFlooder {

    /** Printed once the flood is under way. */
    public static final String FLOODING = "flooding";
    /** Datagrams sent before {@link #FLOODING} is printed. */
    public static final long FLOODING_AFTER = 1_000;

    private HandshakeFlooder() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        WgKey key = WgKey.parseBase64(args[2]).orElseThrow(() -> new IllegalArgumentException("not a key: " + args[2]));
        int rate = Integer.parseInt(args[3]);
        long durationNanos = Long.parseLong(args[4]) * 1_000_000_000L;
        CookieGenerator macs = new CookieGenerator(key.bytes());
        SplittableRandom random = new SplittableRandom(0xF100D);
        ByteBuf message = Unpooled.buffer(Initiation.LENGTH);
        byte[] bytes = new byte[Initiation.LENGTH];
        ByteBuffer reply = ByteBuffer.allocate(256);
        int[] prefixes = args.length > 5 ? parsePrefixes(args[5]) : new int[0];
        SpoofingSender spoofer = prefixes.length == 0 ? null
                : new SpoofingSender((java.net.Inet4Address) target.getAddress(), target.getPort(), Initiation.LENGTH);
        long attempted = 0;
        long sent = 0;
        long cookieReplies = 0;
        boolean announced = false;
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.connect(target);
            channel.configureBlocking(false);
            long start = System.nanoTime();
            long now = start;
            while (now - start < durationNanos) {
                long due = (now - start) * rate / 1_000_000_000L;
                for (; attempted < due; attempted++) {
                    int kind = (int) (attempted & 7);
                    random.nextBytes(bytes);
                    int length = Initiation.LENGTH;
                    if (kind < 7) {
                        bytes[0] = 1; // type: initiation, three reserved zero bytes
                        bytes[1] = 0;
                        bytes[2] = 0;
                        bytes[3] = 0;
                        if (kind < 6) {
                            message.clear().writeBytes(bytes);
                            macs.addMacs(message, 0, Initiation.LENGTH, now);
                            message.getBytes(0, bytes);
                        }
                    } else {
                        length = 1 + random.nextInt(Initiation.LENGTH);
                    }
                    if (spoofer != null) {
                        int source = prefixes[random.nextInt(prefixes.length)] | 10 + random.nextInt(241);
                        if (spoofer.send(source, 1024 + random.nextInt(64512), bytes, length)) {
                            sent++;
                        }
                        continue;
                    }
                    try {
                        if (channel.write(ByteBuffer.wrap(bytes, 0, length)) > 0) {
                            sent++; // 0: the socket buffer was full and the datagram was not sent
                        }
                    } catch (java.net.PortUnreachableException e) {
                        // an ICMP error from an earlier datagram: keep going
                    }
                }
                try {
                    for (reply.clear(); channel.read(reply) > 0; reply.clear()) {
                        if (reply.position() == 64 && reply.get(0) == 3) {
                            cookieReplies++;
                        }
                    }
                } catch (java.net.PortUnreachableException e) {
                    // as above
                }
                if (!announced && sent >= FLOODING_AFTER) {
                    announced = true;
                    System.out.println(FLOODING);
                    System.out.flush();
                }
                Thread.sleep(1);
                now = System.nanoTime();
            }
        }
        if (spoofer != null) {
            spoofer.close();
        }
        System.out.println("sent " + sent + ", cookie replies " + cookieReplies);
    }

    /** {@code A.B.C.0/24,...} as the prefixes' network addresses (big-endian ints). */
    static int[] parsePrefixes(String list) throws IOException {
        String[] parts = list.split(",");
        int[] prefixes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            if (!part.endsWith(".0/24")) {
                throw new IllegalArgumentException("not an IPv4 /24 prefix: " + part);
            }
            java.net.InetAddress network = java.net.InetAddress.getByName(part.substring(0, part.length() - 3));
            prefixes[i] = SpoofingSender.toInt((java.net.Inet4Address) network);
        }
        return prefixes;
    }
}
