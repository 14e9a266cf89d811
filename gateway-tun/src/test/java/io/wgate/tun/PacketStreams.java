package io.wgate.tun;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random batches of decrypted packets as a TUN channel gets them to write: mostly runs of one TCP (or UDP) flow
 * with contiguous sequence numbers and equal sizes, the way a GSO send arrives after decryption, broken at random by
 * everything that must stop a coalesced group (a shorter or longer segment, PSH, other flags, a gap, a changed
 * acknowledgment, window, TTL or TOS, a corrupt checksum, a pure ACK, another flow, a non-IP packet). Every packet
 * is well formed with valid checksums unless it is a deliberate corruption, and IPv4 identifications count up per
 * flow as Linux sends them.
 */
final class PacketStreams {
    private PacketStreams() {
    }

    /** One flow's state. */
    private static final class Flow {
        final boolean v4;
        final boolean udp;
        final byte[] addresses;
        final int ports;
        final boolean df;
        final int tcpOptions;
        final int size;
        long seq;
        int ack;
        int window;
        int id;
        int ttl;
        int tos;

        Flow(Random random, boolean udpAllowed) {
            v4 = random.nextBoolean();
            udp = udpAllowed && random.nextInt(3) == 0;
            addresses = new byte[v4 ? 8 : 32];
            random.nextBytes(addresses);
            ports = random.nextInt();
            df = random.nextInt(4) != 0;
            tcpOptions = udp ? 0 : (random.nextBoolean() ? 12 : 4 * random.nextInt(11));
            int[] sizes = {1, 100, 536, 1240, 1368, 1380};
            size = random.nextInt(4) == 0 ? 1 + random.nextInt(1400) : sizes[random.nextInt(sizes.length)];
            seq = Integer.toUnsignedLong(random.nextInt());
            ack = random.nextInt();
            window = random.nextInt(0x10000);
            id = random.nextInt(0x10000);
            ttl = 1 + random.nextInt(255);
            tos = random.nextInt(4) == 0 ? random.nextInt(256) : 0;
        }
    }

    /** A batch of {@code count} packets (at most 64, one writer window). */
    static List<byte[]> batch(Random random, int count, boolean udpAllowed) {
        List<Flow> flows = new ArrayList<>();
        int flowCount = 1 + random.nextInt(3);
        for (int i = 0; i < flowCount; i++) {
            flows.add(new Flow(random, udpAllowed));
        }
        List<byte[]> out = new ArrayList<>();
        Flow flow = flows.getFirst();
        for (int n = 0; n < count; n++) {
            if (random.nextInt(100) < 10) {
                flow = flows.get(random.nextInt(flows.size()));
            }
            out.add(next(flow, random));
        }
        return out;
    }

    private static byte[] next(Flow f, Random random) {
        int roll = random.nextInt(100);
        if (roll < 2) {
            byte[] junk = new byte[1 + random.nextInt(60)];
            random.nextBytes(junk);
            junk[0] = (byte) (junk[0] & 0x0F); // version 0: not IP
            return junk;
        }
        int payload = f.size;
        int flags = 0x10;
        if (roll < 10) {
            payload = 1 + random.nextInt(f.size); // shorter (or equal)
        } else if (roll < 13) {
            payload = f.size + 1 + random.nextInt(50); // longer
        } else if (roll < 18) {
            flags = 0x18; // PSH
        } else if (roll < 21) {
            int[] odd = {0x11, 0x12, 0x14, 0x30, 0x50, 0x90, 0x19};
            flags = odd[random.nextInt(odd.length)];
        } else if (roll < 24 && !f.udp) {
            payload = 0; // pure ACK
        } else if (roll < 27) {
            f.seq += 1 + random.nextInt(3000); // gap
        } else if (roll < 29) {
            f.ack++;
        } else if (roll < 31) {
            f.window = (f.window + 1) & 0xFFFF;
        } else if (roll < 33) {
            f.ttl = 1 + random.nextInt(255);
        } else if (roll < 34) {
            f.tos ^= 0x01; // ECN bits
        } else if (roll < 36 && f.v4 && !f.df) {
            f.id++; // identification skips one: a non-DF group ends
        }
        byte[] packet = build(f, payload, flags, random);
        if (roll >= 36 && roll < 39) {
            packet[packet.length - 1] ^= 0x5A; // corrupt: the checksum no longer verifies
        }
        f.seq = (f.seq + payload) & 0xFFFFFFFFL;
        f.id = (f.id + 1) & 0xFFFF;
        return packet;
    }

    private static byte[] build(Flow f, int payload, int flags, Random random) {
        int ip = f.v4 ? 20 : 40;
        int l4 = f.udp ? 8 : 20 + f.tcpOptions;
        byte[] p = new byte[ip + l4 + payload];
        random.nextBytes(p);
        ByteBuffer b = ByteBuffer.wrap(p);
        if (f.v4) {
            p[0] = 0x45;
            p[1] = (byte) f.tos;
            b.putShort(2, (short) p.length);
            b.putShort(4, (short) f.id);
            b.putShort(6, (short) (f.df ? 0x4000 : 0));
            p[8] = (byte) f.ttl;
            p[9] = (byte) (f.udp ? 17 : 6);
            System.arraycopy(f.addresses, 0, p, 12, 8);
            b.putShort(10, (short) 0);
            b.putShort(10, (short) NaiveSegmenter.checksum(p, 0, 20, 0));
        } else {
            b.putInt(0, 0x60000000 | (f.tos << 20) | (f.ports & 0xFFFFF));
            b.putShort(4, (short) (p.length - 40));
            p[6] = (byte) (f.udp ? 17 : 6);
            p[7] = (byte) f.ttl;
            System.arraycopy(f.addresses, 0, p, 8, 32);
        }
        b.putInt(ip, f.ports);
        if (f.udp) {
            b.putShort(ip + 4, (short) (p.length - ip));
        } else {
            b.putInt(ip + 4, (int) f.seq);
            b.putInt(ip + 8, f.ack);
            p[ip + 12] = (byte) ((l4 / 4) << 4);
            p[ip + 13] = (byte) flags;
            b.putShort(ip + 14, (short) f.window);
            b.putShort(ip + 18, (short) 0);
            for (int i = 20; i < l4; i++) {
                p[ip + i] = (byte) (i * 7 + f.tcpOptions); // options: the same bytes in every packet of the flow
            }
        }
        NaiveSegmenter.fillL4Checksum(p, f.v4, ip, f.udp ? 17 : 6);
        return p;
    }
}
