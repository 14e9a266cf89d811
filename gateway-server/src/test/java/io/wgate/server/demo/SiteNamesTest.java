package io.wgate.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.WgQuickConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SiteNamesTest {

    @Test
    void interfaceNamesFitTheKernelAndWgQuick() {
        SiteNames names = SiteNames.random();
        for (String dev : List.of(names.mainInterface(), names.satelliteInterface())) {
            assertTrue(dev.length() <= 15, dev);
            assertTrue(WgQuickConfig.isValidInterfaceName(dev), dev);
        }
    }

    @Test
    void everyNameIsDistinctAndCarriesTheTag() {
        SiteNames names = new SiteNames("wgd1a2b");
        Set<String> all = new HashSet<>(names.namespaces());
        all.add(names.mainInterface());
        all.add(names.satelliteInterface());
        assertEquals(7, all.size());
        assertTrue(all.stream().allMatch(n -> n.startsWith("wgd1a2b-")), all.toString());
        assertEquals("wgd1a2b-main", names.main());
    }

    @Test
    void rejectsTagsThatCouldOverflowOrInject() {
        assertThrows(IllegalArgumentException.class, () -> new SiteNames("wgd-1"));
        assertThrows(IllegalArgumentException.class, () -> new SiteNames("waytoolongtag"));
    }
}
