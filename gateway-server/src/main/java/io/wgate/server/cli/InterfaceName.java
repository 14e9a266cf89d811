package io.wgate.server.cli;

import io.wgate.server.config.WgQuickConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The NAME argument of {@code wgate down} and {@code wgate show}: an interface name, or the path of its
 * wg-quick file, whose base name gives the name as for {@code up} ({@code /etc/wireguard/wg0.conf} →
 * {@code wg0}).
 */
final class InterfaceName {

    private InterfaceName() {
    }

    /**
     * The interface {@code argument} names.
     *
     * @throws IllegalArgumentException saying what is wrong when it names none
     */
    static String of(String argument) {
        Path file;
        try {
            file = Path.of(argument).getFileName();
        } catch (InvalidPathException e) {
            file = null;
        }
        String base = file == null ? "" : file.toString();
        String name = base.endsWith(".conf") ? base.substring(0, base.length() - ".conf".length()) : base;
        if (!WgQuickConfig.isValidInterfaceName(name)) {
            throw new IllegalArgumentException("'" + argument + "' is not an interface name (1-15 characters from"
                    + " a-z A-Z 0-9 _ = + . -) or the path of its NAME.conf file");
        }
        return name;
    }
}
