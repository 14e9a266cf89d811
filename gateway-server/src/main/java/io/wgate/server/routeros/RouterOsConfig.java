package io.wgate.server.routeros;

import io.wgate.core.route.Prefix;
import io.wgate.server.config.ConfigWarning;
import java.util.List;

/**
 * What a RouterOS export says about WireGuard ({@link RouterOsImporter}).
 *
 * @param file       the file name as given, for messages
 * @param interfaces the enabled WireGuard interfaces, in file order
 * @param lans       the networks of the router's other addresses (its LANs), masked
 * @param errors     malformed or invalid WireGuard lines: nothing should be written from this export
 * @param warnings   things left out or probably wrong
 * @param notes      information (the routes the gateway needs, what was ignored)
 */
public record RouterOsConfig(String file, List<WireguardInterface> interfaces, List<Prefix> lans,
                             List<ConfigWarning> errors, List<ConfigWarning> warnings, List<String> notes) {

    public RouterOsConfig {
        interfaces = List.copyOf(interfaces);
        lans = List.copyOf(lans);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        notes = List.copyOf(notes);
    }
}
