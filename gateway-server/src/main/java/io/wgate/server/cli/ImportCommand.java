package io.wgate.server.cli;

import io.wgate.server.config.ConfigException;
import io.wgate.server.config.ConfigWarning;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.routeros.RouterOsConfig;
import io.wgate.server.routeros.RouterOsImporter;
import io.wgate.server.routeros.WgQuickRendering;
import io.wgate.server.routeros.WireguardInterface;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code wgate import routeros FILE [--interface NAME] [-o DIR]}: writes one wg-quick file ({@code DIR/NAME.conf},
 * mode 0600, it holds keys) per WireGuard interface of a RouterOS v7 export. Errors, warnings and notes go to
 * standard error with their line numbers; nothing is written when the export has an error in a WireGuard line.
 * Exit status 0 when written, 1 otherwise.
 */
public final class ImportCommand {

    static final String USAGE = "Usage: wgate import routeros FILE [--interface NAME] [-o DIR]";

    private ImportCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() < 2 || !args.getFirst().equals("routeros")) {
            err.println(USAGE);
            return 1;
        }
        Path file = Path.of(args.get(1));
        String only = null;
        Path dir = Path.of(".");
        for (int i = 2; i < args.size(); i++) {
            String option = args.get(i);
            if (i + 1 >= args.size() || !(option.equals("--interface") || option.equals("-o"))) {
                err.println("wgate import: unexpected '" + option + "'");
                err.println(USAGE);
                return 1;
            }
            if (option.equals("-o")) {
                dir = Path.of(args.get(++i));
            } else {
                only = args.get(++i);
            }
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            err.println("wgate import: " + file + ": not UTF-8 text");
            return 1;
        } catch (IOException e) {
            err.println("wgate import: " + file + ": cannot read it (" + e.getMessage() + ")");
            return 1;
        }
        RouterOsConfig config = RouterOsImporter.read(file.toString(), text);
        config.warnings().forEach(w -> err.println("warning: " + w));
        config.notes().forEach(n -> err.println("note: " + n));
        if (!config.errors().isEmpty()) {
            config.errors().forEach(e -> err.println("error: " + e));
            err.println("wgate import: nothing written; fix the lines above");
            return 1;
        }
        List<WireguardInterface> chosen = new ArrayList<>();
        for (WireguardInterface wg : config.interfaces()) {
            if (only == null || wg.name().equals(only)) {
                chosen.add(wg);
            }
        }
        if (chosen.isEmpty()) {
            err.println("wgate import: " + file + " has no WireGuard interface '" + only + "'; it has: "
                    + String.join(", ", config.interfaces().stream().map(WireguardInterface::name).toList()));
            return 1;
        }
        for (WireguardInterface wg : chosen) {
            if (write(wg, file, dir, out, err) != 0) {
                return 1;
            }
        }
        return 0;
    }

    private static int write(WireguardInterface wg, Path source, Path dir, PrintStream out, PrintStream err) {
        String name = WgQuickRendering.interfaceName(wg.name());
        if (!name.equals(wg.name())) {
            err.println("warning: " + new ConfigWarning(source.toString(), wg.lineOf("name"), "name", "'" + wg.name()
                    + "' is not a wg-quick interface name (1-15 of a-z A-Z 0-9 _ = + . -); written as " + name));
        }
        String text = WgQuickRendering.render(wg, String.valueOf(source.getFileName()));
        Path target = dir.resolve(name + ".conf");
        if (wg.privateKey().isEmpty()) {
            err.println("warning: " + new ConfigWarning(source.toString(), wg.line(), "private-key", "the export "
                    + "hides the private key of " + wg.name() + " (RouterOS shows it only with '/export "
                    + "show-sensitive'); " + target + " holds a placeholder: put the key there before 'wgate up'"));
        } else {
            try {
                WgQuickConfig.parse(target.toString(), text.lines().toList());
            } catch (ConfigException e) {
                err.println("wgate import: the file written for " + wg.name() + " would not be accepted: "
                        + e.getMessage());
                return 1;
            }
        }
        try {
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, "." + name, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            err.println("wgate import: cannot write " + target + " (" + e.getMessage() + ")");
            return 1;
        }
        out.println("wrote " + target + " (" + wg.peers().size() + " peer" + (wg.peers().size() == 1 ? "" : "s")
                + ")");
        return 0;
    }
}
