package io.wgate.server.cli;

import io.wgate.server.check.Finding;
import io.wgate.server.check.TunnelCheck;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code wgate check CONF [CONF...] [--json]}: {@link TunnelCheck}. Prints each finding as
 * {@code FILE:LINE: KEY: PROBLEM; fix: FIX}, or with {@code --json} one object
 * {@code {"findings":[...],"unreadable":[...]}}. Exit status 0 clean, 1 findings, 2 a file could not be read.
 */
public final class CheckCommand {

    static final String USAGE = "Usage: wgate check CONF [CONF...] [--json]";

    private CheckCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        boolean json = false;
        List<Path> files = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--json")) {
                json = true;
            } else if (arg.startsWith("-")) {
                err.println("wgate check: unknown option '" + arg + "'");
                err.println(USAGE);
                return 2;
            } else {
                files.add(Path.of(arg));
            }
        }
        if (files.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        TunnelCheck.Result result = TunnelCheck.check(files);
        if (json) {
            out.println("{\"findings\":[" + result.findings().stream().map(Finding::toJson)
                    .collect(Collectors.joining(",")) + "],\"unreadable\":[" + result.unreadable().stream()
                    .map(Finding::string).collect(Collectors.joining(",")) + "]}");
        } else {
            result.unreadable().forEach(u -> err.println("wgate check: " + u));
            result.findings().forEach(out::println);
            if (result.exitCode() == 0) {
                out.println("ok: " + files.size() + " file" + (files.size() == 1 ? "" : "s") + ", " + result.ends()
                        + " interface" + (result.ends() == 1 ? "" : "s") + ", nothing found");
            }
        }
        return result.exitCode();
    }
}
