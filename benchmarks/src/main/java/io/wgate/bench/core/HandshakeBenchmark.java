package io.wgate.bench.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wgate.core.cookie.CookieChecker;
import io.wgate.core.cookie.CookieGenerator;
import io.wgate.core.noise.DecryptedInitiation;
import io.wgate.core.noise.Handshake;
import io.wgate.core.noise.SessionKeys;
import io.wgate.core.noise.StaticIdentity;
import io.wgate.core.testkit.SeededEntropy;
import io.wgate.core.wire.Initiation;
import io.wgate.core.wire.Response;
import io.wgate.crypto.AeadImplementation;
import io.wgate.crypto.ChaCha20Poly1305;
import io.wgate.crypto.X25519;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One complete Noise_IKpsk2 handshake, both sides: create initiation (+ mac1), verify mac1, consume
 * initiation, create response (+ mac1), consume response, derive both sessions. Eight X25519
 * operations dominate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class HandshakeBenchmark {

    private final SeededEntropy entropy = new SeededEntropy(1);
    private ChaCha20Poly1305 aead;
    private StaticIdentity alice;
    private StaticIdentity bob;
    private CookieChecker bobChecker;
    private final ByteBuf initiationBuf = Unpooled.directBuffer(Initiation.LENGTH);
    private final ByteBuf responseBuf = Unpooled.directBuffer(Response.LENGTH);
    private long epochNanos = 1_700_000_000L * 1_000_000_000L;
    private long nowNanos;

    @Setup
    public void setup() {
        aead = AeadImplementation.select("auto").newInstance();
        alice = StaticIdentity.of(key());
        bob = StaticIdentity.of(key());
        bobChecker = new CookieChecker(entropy);
        bobChecker.setIdentity(bob);
    }

    private byte[] key() {
        byte[] random = new byte[32];
        entropy.nextBytes(random);
        return X25519.privateKeyFrom(random);
    }

    @TearDown
    public void tearDown() {
        initiationBuf.release();
        responseBuf.release();
        aead.close();
    }

    @Benchmark
    public SessionKeys fullHandshake() {
        epochNanos += 1_000_000_000L; // every initiation needs a newer timestamp
        nowNanos += 1_000_000_000L;
        Handshake initiator = new Handshake(bob.publicKey());
        initiator.setIdentity(alice);
        Handshake responder = new Handshake(alice.publicKey());
        responder.setIdentity(bob);

        initiationBuf.clear().writeZero(Initiation.LENGTH);
        Initiation initiation = new Initiation().wrap(initiationBuf, 0).writeHeader();
        initiation.senderIndex(1);
        initiator.createInitiation(alice, aead, entropy, epochNanos, initiation);
        new CookieGenerator(bob.publicKey()).addMacs(initiationBuf, 0, Initiation.LENGTH, nowNanos);

        if (!bobChecker.checkMac1(initiationBuf, 0, Initiation.LENGTH)) {
            throw new IllegalStateException("mac1");
        }
        DecryptedInitiation decrypted = new DecryptedInitiation();
        Handshake.decryptInitiation(bob, aead, initiation, decrypted);
        responder.consumeInitiation(decrypted, aead, initiation, nowNanos);
        responseBuf.clear().writeZero(Response.LENGTH);
        Response response = new Response().wrap(responseBuf, 0).writeHeader();
        response.senderIndex(2);
        responder.createResponse(aead, entropy, response);
        new CookieGenerator(alice.publicKey()).addMacs(responseBuf, 0, Response.LENGTH, nowNanos);

        if (initiator.consumeResponse(alice, aead, response) != null) {
            throw new IllegalStateException("response rejected");
        }
        responder.beginSession().wipe();
        return initiator.beginSession();
    }
}
