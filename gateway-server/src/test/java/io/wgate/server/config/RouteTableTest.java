package io.wgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteTableTest {

    @Test
    void parsesAutoOffNumbersAndKnownNames() {
        Set<String> known = Set.of("main", "vpn");
        assertEquals(RouteTable.AUTO, RouteTable.parse("auto", known::contains));
        assertEquals(RouteTable.OFF, RouteTable.parse("OFF", known::contains));
        assertEquals(RouteTable.explicit("1234"), RouteTable.parse("1234", known::contains));
        assertEquals(RouteTable.explicit("1234"), RouteTable.parse("001234", known::contains));
        assertEquals(RouteTable.explicit("vpn"), RouteTable.parse("vpn", known::contains));
        assertEquals("vpn", RouteTable.parse("vpn", known::contains).toString());
        assertThrows(IllegalArgumentException.class, () -> RouteTable.parse("other", known::contains));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.parse("0", known::contains));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.parse("99999999999", known::contains));
    }

    @Test
    void readsNamesFromRtTablesFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rt_tables"), "# comment\n255\tlocal\n200 office # trailing\n\n");
        Files.createDirectory(dir.resolve("rt_tables.d"));
        Files.writeString(dir.resolve("rt_tables.d").resolve("wgate.conf"), "51820 wgate\n");
        Files.writeString(dir.resolve("rt_tables.d").resolve("ignored.txt"), "7 ignored\n");
        Set<String> names = RtTables.namesUnder(List.of(dir, dir.resolve("missing")));
        assertTrue(names.containsAll(Set.of("main", "local", "default", "office", "wgate")), names.toString());
        assertTrue(!names.contains("ignored"), names.toString());
    }
}
