package io.wgate.server.routeros;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RouterOsScript}: paths, continuations, quoting and escapes, {@code [ find ]}. */
class RouterOsScriptTest {

    @Test
    void quotedValuesKeepSpacesAndLoseTheirEscapes() {
        RouterOsScript script = RouterOsScript.parse("/interface wireguard peers\n"
                + "add comment=\"a \\\"b\\\" \\\\ c\\_d\\41\\$\" name=plain\n");
        RouterOsCommand c = script.commands().getFirst();
        assertEquals("interface wireguard peers", c.path());
        assertEquals("add", c.verb());
        assertEquals(Map.of("comment", "a \"b\" \\ c dA$", "name", "plain"), c.properties());
    }

    @Test
    void slashPathsTerseLinesAndFind() {
        RouterOsScript script = RouterOsScript.parse("""
                /interface/wireguard/peers add interface=wg1
                /interface wireguard set [ find name="wg 1" ] mtu=1400
                set 0 listen-port=1
                """);
        assertEquals(List.of(), script.malformed());
        assertEquals("interface wireguard peers", script.commands().get(0).path());
        assertEquals(Map.of("name", "wg 1"), script.commands().get(1).find());
        assertEquals("interface wireguard", script.commands().get(2).path());
        assertEquals(List.of("0"), script.commands().get(2).positional());
    }

    @Test
    void aContinuedCommandKnowsTheLineOfEachProperty() {
        RouterOsScript script = RouterOsScript.parse("# comment\n/ip address\nadd address=10.0.0.1/24 \\\n"
                + "    interface=wg1 \\\n    network=10.0.0.0\n");
        RouterOsCommand c = script.commands().getFirst();
        assertEquals(3, c.line());
        assertEquals(3, c.lineOf("address"));
        assertEquals(4, c.lineOf("interface"));
        assertEquals(5, c.lineOf("network"));
    }

    @Test
    void aPropertyGivenTwiceIsMalformed() {
        RouterOsScript script = RouterOsScript.parse("/ip address\nadd address=1 address=2\n");
        assertEquals(List.of(new RouterOsScript.Malformed(2, "ip address", "address", "given twice in one command")),
                script.malformed());
    }
}
