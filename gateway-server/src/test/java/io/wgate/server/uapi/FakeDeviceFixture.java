package io.wgate.server.uapi;

import io.wgate.core.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the UAPI tests that work on a fresh {@link FakeDevice} per test: over an engine from
 * {@link TestEngines#engine(long)} with seed 42, closed after the test (and after the subclass's own
 * {@code @AfterEach} methods).
 */
abstract class FakeDeviceFixture {

    Engine engine;
    FakeDevice device;

    @BeforeEach
    final void createEngineAndDevice() {
        engine = TestEngines.engine(42);
        device = new FakeDevice(engine);
    }

    @AfterEach
    final void closeEngine() {
        engine.close();
    }
}
