package io.wgate.server.demo;

import static io.wgate.server.demo.UdpTransfer.CHUNK;
import static io.wgate.server.demo.UdpTransfer.WINDOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The receiver's checks ({@link UdpTransfer.Receipt}) against datagrams built as the sender builds them. */
class UdpTransferTest {

    /** Two full windows and a short last datagram. */
    static final long BYTES = 2L * WINDOW * CHUNK + 100;

    /** The datagrams of a {@code bytes}-byte transfer, in order. */
    private static List<byte[]> datagrams(long bytes) {
        SeededBytes stream = new SeededBytes(UdpTransfer.SEED);
        List<byte[]> datagrams = new ArrayList<>();
        for (long seq = 0; seq < UdpTransfer.datagrams(bytes); seq++) {
            int length = UdpTransfer.chunkLength(seq, bytes);
            byte[] datagram = new byte[8 + length];
            ByteBuffer.wrap(datagram).putLong(seq);
            stream.next(datagram, 8, length);
            datagrams.add(datagram);
        }
        return datagrams;
    }

    /** Feeds {@code order} (indexes into {@code all}) and returns the sequence numbers after which it acknowledged. */
    private static List<Long> feed(UdpTransfer.Receipt receipt, List<byte[]> all, List<Integer> order) {
        List<Long> acknowledged = new ArrayList<>();
        for (int i : order) {
            if (receipt.accept(all.get(i), all.get(i).length)) {
                acknowledged.add(receipt.next());
            }
        }
        return acknowledged;
    }

    private static List<Integer> inOrder(int count) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        return order;
    }

    @Test
    void aCompleteTransferInOrderMatchesTheStreamAndIsAcknowledgedPerWindow() {
        List<byte[]> all = datagrams(BYTES);
        assertEquals(2 * WINDOW + 1, all.size());
        assertEquals(108, all.getLast().length);
        UdpTransfer.Receipt receipt = new UdpTransfer.Receipt(BYTES);
        assertEquals(List.of((long) WINDOW, 2L * WINDOW, 2L * WINDOW + 1), feed(receipt, all, inOrder(all.size())));
        assertTrue(receipt.complete());
        UdpTransfer.Result result = receipt.result();
        assertEquals(new UdpTransfer.Result(all.size(), BYTES, SeededBytes.sha256(UdpTransfer.SEED, BYTES), 0), result);
        assertEquals(Optional.of(result), UdpTransfer.Result.parse("listening on x\n" + result.format() + "\n"));
    }

    @Test
    void aMissingDatagramLeavesTheTransferIncompleteWithAnomalies() {
        List<byte[]> all = datagrams(BYTES);
        List<Integer> order = inOrder(all.size());
        order.remove(Integer.valueOf(5));
        UdpTransfer.Receipt receipt = new UdpTransfer.Receipt(BYTES);
        assertEquals(List.of(), feed(receipt, all, order), "no window is complete");
        assertFalse(receipt.complete());
        assertEquals(5, receipt.result().datagrams());
        assertEquals(all.size() - 6, receipt.anomalyCount());
        assertEquals("datagram 6 while 5 was expected", receipt.anomalies().getFirst());
        assertEquals(10, receipt.anomalies().size(), "the first ten are kept");
    }

    @Test
    void reorderedDatagramsAreAnomalies() {
        List<byte[]> all = datagrams(BYTES);
        List<Integer> order = inOrder(all.size());
        order.set(3, 4);
        order.set(4, 3);
        UdpTransfer.Receipt receipt = new UdpTransfer.Receipt(BYTES);
        feed(receipt, all, order);
        assertFalse(receipt.complete());
        assertEquals("datagram 4 while 3 was expected", receipt.anomalies().getFirst());
    }

    @Test
    void aRepeatedDatagramIsAnAnomalyEvenWhenAllArrive() {
        List<byte[]> all = datagrams(BYTES);
        List<Integer> order = inOrder(all.size());
        order.add(8, 7);
        UdpTransfer.Receipt receipt = new UdpTransfer.Receipt(BYTES);
        feed(receipt, all, order);
        assertTrue(receipt.complete());
        assertEquals(List.of("datagram 7 again, after 7"), receipt.anomalies());
        assertEquals(1, receipt.result().anomalies());
    }

    @Test
    void aDatagramOfTheWrongLengthIsAnAnomaly() {
        List<byte[]> all = datagrams(BYTES);
        UdpTransfer.Receipt receipt = new UdpTransfer.Receipt(BYTES);
        assertFalse(receipt.accept(all.get(0), all.get(0).length - 1));
        assertFalse(receipt.accept(new byte[4], 4));
        assertEquals(List.of("datagram 0 has " + (all.get(0).length - 1) + " bytes, not " + all.get(0).length,
                "a datagram of 4 bytes while 0 was expected"), receipt.anomalies());
    }

    @Test
    void alteredContentShowsInTheDigest() {
        List<byte[]> all = datagrams(BYTES);
        all.get(9)[100] ^= 1;
        UdpTransfer.Receipt receipt = new UdpTransfer.Receipt(BYTES);
        feed(receipt, all, inOrder(all.size()));
        assertTrue(receipt.complete());
        assertFalse(SeededBytes.sha256(UdpTransfer.SEED, BYTES).equals(receipt.result().sha256()));
    }
}
