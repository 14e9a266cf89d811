package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

/** The AOT training's list of classes it loads without running them stays a list of real classes. */
class AotTrainingTest {

    @Test
    void everyRealStartClassIsAClassAndNamedOnce() {
        for (String name : AotTraining.REAL_START_CLASSES) {
            assertDoesNotThrow(() -> Class.forName(name, false, AotTraining.class.getClassLoader()), name);
        }
        assertEquals(AotTraining.REAL_START_CLASSES.size(), new HashSet<>(AotTraining.REAL_START_CLASSES).size());
    }
}
