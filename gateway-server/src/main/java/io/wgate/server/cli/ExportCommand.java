package io.wgate.server.cli;

import io.wgate.server.config.ConfigException;
import io.wgate.server.config.WgQuickConfig;
import io.wgate.server.routeros.RouterOsExporter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code wgate export routeros CONF [--peer-side]}: prints the RouterOS v7 commands that configure CONF's interface
 * on a MikroTik, or with {@code --peer-side} what the far end of its tunnel needs. Exit status 0, or 1 when CONF is
 * not valid (with the message {@code wgate up} would give).
 */
public final class ExportCommand {

    static final String USAGE = "Usage: wgate export routeros CONF [--peer-side]";

    private ExportCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        boolean peerSide = args.size() == 3 && args.get(2).equals("--peer-side");
        boolean shape = args.size() == 2 || peerSide;
        if (!shape || !args.getFirst().equals("routeros")) {
            err.println(USAGE);
            return 1;
        }
        WgQuickConfig config;
        try {
            config = WgQuickConfig.parse(Path.of(args.get(1)));
        } catch (ConfigException e) {
            err.println("wgate export: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("wgate export: " + args.get(1) + ": cannot read it (" + e.getMessage() + ")");
            return 1;
        }
        try {
            out.print(peerSide ? RouterOsExporter.peerSide(config) : RouterOsExporter.export(config));
        } catch (IllegalArgumentException e) {
            err.println("wgate export: " + e.getMessage());
            return 1;
        } finally {
            config.wipeKeys();
        }
        return 0;
    }
}
