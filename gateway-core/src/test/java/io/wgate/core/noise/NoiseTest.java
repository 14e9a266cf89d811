package io.wgate.core.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wgate.crypto.Bytes;
import org.junit.jupiter.api.Test;

/** The derived constants of whitepaper §5.4.2 (C0 and H0, also hard-coded in other implementations). */
class NoiseTest {

    @Test
    void initialChainingKeyAndHashMatchTheReference() {
        assertEquals("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36",
                Bytes.hex(Noise.INITIAL_CHAINING_KEY));
        assertEquals("2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3",
                Bytes.hex(Noise.INITIAL_HASH));
    }

    @Test
    void initializeWithWireGuardNameAndPrologueGivesC0AndH0() {
        SymmetricState s = SymmetricState.initialize(Noise.CONSTRUCTION, Noise.IDENTIFIER);
        assertArrayEquals(Noise.INITIAL_CHAINING_KEY, s.chainingKey());
        assertArrayEquals(Noise.INITIAL_HASH, s.hash());
    }

    @Test
    void stringsHaveTheirSpecifiedLengths() {
        assertEquals(37, Noise.CONSTRUCTION.length);
        assertEquals(34, Noise.IDENTIFIER.length);
        assertEquals(8, Noise.LABEL_MAC1.length);
        assertEquals(8, Noise.LABEL_COOKIE.length);
    }
}
