package io.wgate.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AllowedIpsTest {

    /** A named owner; compared by identity like a peer. */
    private record Peer(String name) {
    }

    private final Peer a = new Peer("a");
    private final Peer b = new Peer("b");
    private final Peer c = new Peer("c");
    private final Peer d = new Peer("d");
    private final Peer e = new Peer("e");
    private final Peer f = new Peer("f");
    private final Peer g = new Peer("g");
    private final Peer h = new Peer("h");

    private final AllowedIps<Peer> table = new AllowedIps<>();

    @AfterEach
    void structureIsConsistent() {
        table.verifyInvariants();
    }

    /**
     * The static cases of the kernel's drivers/net/wireguard/selftest/allowedips.c (wg_allowedips_selftest), same
     * inserts and the same expected owners, in the same order.
     */
    @Test
    void passesKernelAllowedIpsSelftest() {
        insert4(a, 192, 168, 4, 0, 24);
        insert4(b, 192, 168, 4, 4, 32);
        insert4(c, 192, 168, 0, 0, 16);
        insert4(d, 192, 95, 5, 64, 27);
        insert4(c, 192, 95, 5, 65, 27); // replaces the previous entry; needs host bits masked
        insert6(d, 0x26075300, 0x60006b00, 0, 0xc05f0543, 128);
        insert6(c, 0x26075300, 0x60006b00, 0, 0, 64);
        insert4(e, 0, 0, 0, 0, 0);
        insert6(e, 0, 0, 0, 0, 0);
        insert6(f, 0, 0, 0, 0, 0); // replaces the previous entry
        insert6(g, 0x24046800, 0, 0, 0, 32);
        insert6(h, 0x24046800, 0x40040800, 0xdeadbeef, 0xdeadbeef, 64); // needs host bits masked
        insert6(a, 0x24046800, 0x40040800, 0xdeadbeef, 0xdeadbeef, 128);
        insert6(c, 0x24446800, 0x40e40800, 0xdeaebeef, 0xdefbeef, 128);
        insert6(b, 0x24446800, 0xf0e40800, 0xeeaebeef, 0, 98);
        insert4(g, 64, 15, 112, 0, 20);
        insert4(h, 64, 15, 123, 211, 25); // needs host bits masked
        insert4(a, 10, 0, 0, 0, 25);
        insert4(b, 10, 0, 0, 128, 25);
        insert4(a, 10, 1, 0, 0, 30);
        insert4(b, 10, 1, 0, 4, 30);
        insert4(c, 10, 1, 0, 8, 29);
        insert4(d, 10, 1, 0, 16, 29);

        assertSame(a, lookup4(192, 168, 4, 20));
        assertSame(a, lookup4(192, 168, 4, 0));
        assertSame(b, lookup4(192, 168, 4, 4));
        assertSame(c, lookup4(192, 168, 200, 182));
        assertSame(c, lookup4(192, 95, 5, 68));
        assertSame(e, lookup4(192, 95, 5, 96));
        assertSame(d, lookup6(0x26075300, 0x60006b00, 0, 0xc05f0543));
        assertSame(c, lookup6(0x26075300, 0x60006b00, 0, 0xc02e01ee));
        assertSame(f, lookup6(0x26075300, 0x60006b01, 0, 0));
        assertSame(g, lookup6(0x24046800, 0x40040806, 0, 0x1006));
        assertSame(g, lookup6(0x24046800, 0x40040806, 0x1234, 0x5678));
        assertSame(f, lookup6(0x240467ff, 0x40040806, 0x1234, 0x5678));
        assertSame(f, lookup6(0x24046801, 0x40040806, 0x1234, 0x5678));
        assertSame(h, lookup6(0x24046800, 0x40040800, 0x1234, 0x5678));
        assertSame(h, lookup6(0x24046800, 0x40040800, 0, 0));
        assertSame(h, lookup6(0x24046800, 0x40040800, 0x10101010, 0x10101010));
        assertSame(a, lookup6(0x24046800, 0x40040800, 0xdeadbeef, 0xdeadbeef));
        assertSame(g, lookup4(64, 15, 116, 26));
        assertSame(g, lookup4(64, 15, 127, 3));
        assertSame(g, lookup4(64, 15, 123, 1));
        assertSame(h, lookup4(64, 15, 123, 128));
        assertSame(h, lookup4(64, 15, 123, 129));
        assertSame(a, lookup4(10, 0, 0, 52));
        assertSame(b, lookup4(10, 0, 0, 220));
        assertSame(a, lookup4(10, 1, 0, 2));
        assertSame(b, lookup4(10, 1, 0, 6));
        assertSame(c, lookup4(10, 1, 0, 10));
        assertSame(d, lookup4(10, 1, 0, 20));
        table.verifyInvariants();

        insert4(a, 1, 0, 0, 0, 32);
        insert4(a, 64, 0, 0, 0, 32);
        insert4(a, 128, 0, 0, 0, 32);
        insert4(a, 192, 0, 0, 0, 32);
        insert4(a, 255, 0, 0, 0, 32);
        table.removeAll(a);
        assertNotSame(a, lookup4(1, 0, 0, 0));
        assertNotSame(a, lookup4(64, 0, 0, 0));
        assertNotSame(a, lookup4(128, 0, 0, 0));
        assertNotSame(a, lookup4(192, 0, 0, 0));
        assertNotSame(a, lookup4(255, 0, 0, 0));
        table.verifyInvariants();

        table.clear();
        insert4(a, 192, 168, 0, 0, 16);
        insert4(a, 192, 168, 0, 0, 24);
        table.removeAll(a);
        assertNull(lookup4(192, 168, 0, 1));
        assertEquals(0, table.size());
    }

    /** Kernel selftest: 128 host routes that each differ from all-ones in one bit, then the trie is freed. */
    @Test
    void handlesHostRoutesDifferingInEveryBitPosition() {
        for (int i = 0; i < 128; i++) {
            byte[] address = new byte[16];
            java.util.Arrays.fill(address, (byte) 0xff);
            address[i / 8] &= (byte) ~(0x80 >>> (i % 8));
            table.insert(address, 128, a);
        }
        assertEquals(128, table.size());
        table.verifyInvariants();
        byte[] allOnes = new byte[16];
        java.util.Arrays.fill(allOnes, (byte) 0xff);
        assertNull(table.lookup(allOnes));
        table.removeAll(a);
        assertEquals(0, table.size());
    }

    /** Kernel selftest: the prefixes read back for one peer are the masked ones, five of them. */
    @Test
    void readsBackMaskedPrefixesOfOneOwner() {
        insert4(a, 192, 95, 5, 93, 27);
        insert6(a, 0x26075300, 0x60006b00, 0, 0xc05f0543, 128);
        insert4(a, 10, 1, 0, 20, 29);
        insert6(a, 0x26075300, 0x6d8a6bf8, 0xdab1f1df, 0xc05f1523, 83);
        insert6(a, 0x26075300, 0x6d8a6bf8, 0xdab1f1df, 0xc05f1523, 21);
        assertEquals(
                List.of("10.1.0.16/29", "192.95.5.64/27", "2607:5000::/21", "2607:5300:6000:6b00::c05f:543/128",
                        "2607:5300:6d8a:6bf8:dab1:e000::/83"),
                table.prefixesOf(a).stream().map(Prefix::toString).toList());
        assertEquals(List.of(), table.prefixesOf(b));
    }

    @Test
    void defaultRouteMatchesEverythingOfItsFamilyOnly() {
        table.insert(Prefix.parse("0.0.0.0/0"), a);
        assertSame(a, lookup4(0, 0, 0, 0));
        assertSame(a, lookup4(255, 255, 255, 255));
        assertNull(table.lookupV6(0, 0));
        table.insert(Prefix.parse("::/0"), b);
        assertSame(b, table.lookupV6(-1L, -1L));
        assertSame(a, table.lookupV4(-1));
    }

    @Test
    void hostRoutesMatchOnlyTheirAddress() {
        table.insert(Prefix.parse("192.0.2.1/32"), a);
        table.insert(Prefix.parse("2001:db8::1/128"), b);
        assertSame(a, lookup4(192, 0, 2, 1));
        assertNull(lookup4(192, 0, 2, 0));
        assertNull(lookup4(192, 0, 2, 2));
        assertSame(b, table.lookupV6(0x20010db800000000L, 1));
        assertNull(table.lookupV6(0x20010db800000000L, 0));
        assertNull(table.lookupV6(0x20010db800000000L, 3));
    }

    @Test
    void longestOfOverlappingPrefixesWins() {
        table.insert(Prefix.parse("10.0.0.0/8"), a);
        table.insert(Prefix.parse("10.1.0.0/16"), b);
        table.insert(Prefix.parse("10.1.2.0/24"), c);
        table.insert(Prefix.parse("10.1.2.3/32"), d);
        assertSame(a, lookup4(10, 2, 0, 1));
        assertSame(b, lookup4(10, 1, 3, 1));
        assertSame(c, lookup4(10, 1, 2, 4));
        assertSame(d, lookup4(10, 1, 2, 3));
        assertNull(lookup4(11, 0, 0, 0));
    }

    @Test
    void insertingAnOwnedPrefixMovesIt() {
        table.insert(Prefix.parse("198.51.100.0/24"), a);
        table.insert(Prefix.parse("198.51.100.77/24"), b);
        assertSame(b, lookup4(198, 51, 100, 1));
        assertEquals(1, table.size());
        assertEquals(List.of(), table.prefixesOf(a));
        assertEquals(List.of(Prefix.parse("198.51.100.0/24")), table.prefixesOf(b));
        assertFalse(table.remove(Prefix.parse("198.51.100.0/24"), a), "a no longer owns it");
        assertSame(b, lookup4(198, 51, 100, 1));
    }

    @Test
    void removalRestoresTheShorterMatch() {
        table.insert(Prefix.parse("10.0.0.0/8"), a);
        table.insert(Prefix.parse("10.1.0.0/16"), b);
        table.insert(Prefix.parse("fd00::/8"), a);
        table.insert(Prefix.parse("fd00:1::/32"), b);
        assertSame(b, lookup4(10, 1, 0, 1));
        assertTrue(table.remove(Prefix.parse("10.1.0.0/16"), b));
        assertSame(a, lookup4(10, 1, 0, 1));
        assertTrue(table.remove(Prefix.parse("fd00:1::/32"), b));
        assertSame(a, table.lookupV6(0xfd00000100000000L, 1));
        assertEquals(2, table.size());
    }

    @Test
    void removeNeedsTheOwnerAndTheExactPrefix() {
        table.insert(Prefix.parse("10.0.0.0/8"), a);
        assertFalse(table.remove(Prefix.parse("10.0.0.0/8"), b), "wrong owner");
        assertFalse(table.remove(Prefix.parse("10.0.0.0/9"), a), "different prefix length");
        assertFalse(table.remove(Prefix.parse("10.0.0.0/7"), a), "different prefix length");
        assertFalse(table.remove(Prefix.parse("::/0"), a), "other family");
        assertTrue(table.remove(ip4(10, 9, 9, 9), 8, a), "host bits are masked before matching");
        assertEquals(0, table.size());
        assertFalse(table.remove(Prefix.parse("10.0.0.0/8"), a));
    }

    @Test
    void removeAllLeavesOtherOwnersAndBranchPointsConsistent() {
        for (int i = 0; i < 64; i++) {
            table.insert(ip4(10, i, 0, 0), 16, (i % 2 == 0) ? a : b);
            table.insert(ip4(10, i, 128, 0), 17, c);
        }
        table.removeAll(a);
        table.verifyInvariants();
        assertEquals(96, table.size());
        assertNull(lookup4(10, 0, 1, 1));
        assertSame(b, lookup4(10, 1, 1, 1));
        assertSame(c, lookup4(10, 0, 200, 1));
        table.removeAll(c);
        table.removeAll(b);
        table.removeAll(b);
        assertEquals(0, table.size());
    }

    @Test
    void valuesAreComparedByIdentity() {
        Peer twin = new Peer("a");
        table.insert(Prefix.parse("10.0.0.0/8"), a);
        table.insert(Prefix.parse("10.0.0.0/8"), twin);
        assertSame(twin, lookup4(10, 0, 0, 1), "an equal but distinct owner takes the prefix over");
        assertEquals(List.of(), table.prefixesOf(a));
    }

    @Test
    void prefixesAreSortedFamilyThenAddressThenLength() {
        for (String p : List.of("fd00::/64", "10.0.0.0/8", "192.0.2.0/24", "10.0.0.0/16", "::/0", "128.0.0.0/1")) {
            table.insert(Prefix.parse(p), a);
        }
        assertEquals(List.of("10.0.0.0/8", "10.0.0.0/16", "128.0.0.0/1", "192.0.2.0/24", "::/0", "fd00::/64"),
                table.prefixesOf(a).stream().map(Prefix::toString).toList());
    }

    @Test
    void byteArrayLookupMatchesPrimitiveLookups() {
        table.insert(Prefix.parse("203.0.113.0/24"), a);
        table.insert(Prefix.parse("2001:db8::/32"), b);
        assertSame(a, table.lookup(ip4(203, 0, 113, 9)));
        assertSame(b, table.lookup(ip6(0x20010db8, 1, 2, 3)));
        assertNull(table.lookup(ip4(203, 0, 114, 9)));
    }

    @Test
    void rejectsBadPrefixesWithClearMessagesAndChangesNothing() {
        table.insert(Prefix.parse("10.0.0.0/8"), a);
        assertMessage("prefix length 33 is out of range 0..32 for IPv4",
                () -> table.insert(ip4(10, 0, 0, 0), 33, b));
        assertMessage("prefix length -1 is out of range 0..32 for IPv4",
                () -> table.insert(ip4(10, 0, 0, 0), -1, b));
        assertMessage("prefix length 129 is out of range 0..128 for IPv6",
                () -> table.insert(new byte[16], 129, b));
        assertMessage("address must be 4 (IPv4) or 16 (IPv6) bytes, got 5",
                () -> table.insert(new byte[5], 8, b));
        assertMessage("address must be 4 (IPv4) or 16 (IPv6) bytes, got 3", () -> table.lookup(new byte[3]));
        assertMessage("prefix length 40 is out of range 0..32 for IPv4", () -> table.remove(new byte[4], 40, a));
        assertThrows(NullPointerException.class, () -> table.insert(new byte[4], 8, null));
        assertEquals(1, table.size());
        assertSame(a, lookup4(10, 1, 1, 1));
    }

    @Test
    void clearEmptiesBothFamilies() {
        table.insert(Prefix.parse("10.0.0.0/8"), a);
        table.insert(Prefix.parse("fd00::/8"), a);
        table.clear();
        assertEquals(0, table.size());
        assertNull(lookup4(10, 0, 0, 1));
        assertEquals(List.of(), table.prefixesOf(a));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, action);
        assertEquals(expected, thrown.getMessage());
    }

    private void insert4(Peer peer, int a, int b, int c, int d, int cidr) {
        table.insert(ip4(a, b, c, d), cidr, peer);
    }

    private void insert6(Peer peer, int a, int b, int c, int d, int cidr) {
        table.insert(ip6(a, b, c, d), cidr, peer);
    }

    private Peer lookup4(int a, int b, int c, int d) {
        Peer viaInt = table.lookupV4(a << 24 | b << 16 | c << 8 | d);
        assertSame(viaInt, table.lookup(ip4(a, b, c, d)), "int and byte[] lookups agree");
        return viaInt;
    }

    private Peer lookup6(int a, int b, int c, int d) {
        Peer viaLongs = table.lookupV6((long) a << 32 | (b & 0xffffffffL), (long) c << 32 | (d & 0xffffffffL));
        assertSame(viaLongs, table.lookup(ip6(a, b, c, d)), "long and byte[] lookups agree");
        return viaLongs;
    }

    static byte[] ip4(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    /** Like the kernel's ip6(): four host-order 32-bit words, stored big-endian. */
    static byte[] ip6(int a, int b, int c, int d) {
        return ByteBuffer.allocate(16).putInt(a).putInt(b).putInt(c).putInt(d).array();
    }
}
