package io.wgate.bench.crypto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.AeadKey;
import io.wgate.crypto.ChaCha20Poly1305;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Transport-packet AEAD cost per implementation: seal and open of one WireGuard data payload in
 * place in a pooled direct buffer, through the counter form the hot path uses. Run with
 * {@code -prof gc}: the OpenSSL rows should show {@code gc.alloc.rate.norm} ≈ 0 B/op.
 *
 * <p>{@code open} first restores the sealed packet from a pristine heap copy (an allocation-free memcpy
 * of at most 1436 bytes, the same for both implementations), because opening in place consumes the
 * ciphertext. (A direct-to-direct {@code setBytes} would allocate 64 B/op inside Netty when
 * {@code sun.misc.Unsafe} is off, as it is by default on JDK 25, and blur the result.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ChaCha20Poly1305Benchmark {
    private static final long OPEN_COUNTER = 42;

    @Param({"OPENSSL", "JDK"})
    public String implementation;

    @Param({"64", "512", "1420"})
    public int size;

    private ChaCha20Poly1305 aead;
    private AeadKey key;
    private ByteBuf buf;
    private byte[] pristine;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() {
        aead = AeadImplementation.valueOf(implementation).newInstance();
        byte[] raw = new byte[AeadKey.LENGTH];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i * 7 + 1);
        }
        key = AeadKey.copyOf(raw);
        int capacity = size + ChaCha20Poly1305.TAG_LENGTH;
        buf = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
        for (int i = 0; i < size; i++) {
            buf.setByte(i, i);
        }
        aead.seal(key, OPEN_COUNTER, buf, 0, size);
        pristine = new byte[capacity];
        buf.getBytes(0, pristine);
        if (!open()) {
            throw new IllegalStateException(aead.name() + " cannot open its own packet");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        buf.release();
        key.destroy();
        aead.close();
    }

    /** Encrypts the payload in place with a fresh counter (nonce) per operation. */
    @Benchmark
    public ByteBuf seal() {
        aead.seal(key, counter++, buf, 0, size);
        return buf;
    }

    /** Restores the sealed packet, then decrypts and authenticates it in place. */
    @Benchmark
    public boolean open() {
        buf.setBytes(0, pristine);
        return aead.open(key, OPEN_COUNTER, buf, 0, size + ChaCha20Poly1305.TAG_LENGTH);
    }
}
