package io.wgate.server;

import io.wgate.server.cli.CheckCommand;
import io.wgate.server.cli.DownCommand;
import io.wgate.server.cli.ExportCommand;
import io.wgate.server.cli.HealthcheckCommand;
import io.wgate.server.cli.ImportCommand;
import io.wgate.server.cli.KeyCommands;
import io.wgate.server.cli.Logging;
import io.wgate.server.cli.ReloadCommand;
import io.wgate.server.cli.ShowCommand;
import io.wgate.server.cli.UpCommand;
import io.wgate.server.cli.UserspaceCommand;
import io.wgate.server.cli.WgateLogManager;
import io.wgate.server.demo.DemoCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;

/** The {@code wgate} command line. */
public final class Main {

    static final String USAGE = """
            Usage: wgate COMMAND [ARGS]

              up CONFIG [--foreground]   bring up the interface described by a wg-quick style CONFIG
                   [--transport epoll|io_uring] [--aead auto|openssl|jdk]
                                         (in the background unless --foreground; interrupting the
                                         wait does not stop it: use 'wgate down NAME')
              down NAME                  stop that interface and undo its routes, addresses and hooks
              reload NAME                apply the changed config file to the running interface (as SIGHUP
                                         does): only the difference; untouched peers keep their sessions
              userspace [-f] NAME        for wg-quick (wgate-userspace): create the TUN device NAME and its
                                         UAPI socket, unconfigured, as 'wireguard-go NAME' does
              show [NAME]                show interfaces and peers, as 'wg show' does
              healthcheck NAME           exit 0 if that gateway runs, answers on its UAPI socket and has
                                         its TUN link, else 1; one line says why (for Docker, systemd)
              check CONF [CONF...] [--json]
                                         validate files as 'up' would and cross-check a tunnel's two ends
                                         (wg-quick or RouterOS exports); exit 0 clean, 1 findings, 2 unreadable
              import routeros FILE [--interface NAME] [-o DIR]
                                         write wg-quick files from a RouterOS v7 export
              export routeros CONF [--peer-side]
                                         print RouterOS v7 commands for CONF (or for its far end)
              genkey | pubkey | genpsk   make keys, as 'wg genkey | pubkey | genpsk' do
              demo [--peer wgate|wireguard-go]
                                         build a two-office network in namespaces and test it (root)
              --version                  print wgate's version
              help                       this text

            'up' also takes --metrics ADDR[:PORT] (Prometheus /metrics, /healthz, /readyz; port 9586 by default)
            and --metrics-options LIST (remote-endpoint, handshake-delay, peer-series=N, ready-handshake=SECONDS).

            Environment: LOG_LEVEL=silent|error|info|verbose, WG_ENDPOINT_RESOLUTION_RETRIES=N|infinity,
            WGATE_METRICS=ADDR[:PORT], WGATE_METRICS_OPTIONS=LIST
            """;

    /** Netty's system property for the machine part of its channel ids. */
    static final String MACHINE_ID_PROPERTY = "io.netty.machineId";

    private Main() {
    }

    public static void main(String[] args) {
        // First, before anything can initialise java.util.logging: the manager that keeps the log working
        // while the shutdown hook tears a gateway down (the JDK's own hook would reset it meanwhile).
        System.setProperty("java.util.logging.manager", WgateLogManager.class.getName());
        // Netty derives channel ids from a MAC address it looks for on every interface, and warns where there is none
        // (a fresh network namespace); the ids only name channels in logs, so random bytes do, without the search.
        if (System.getProperty(MACHINE_ID_PROPERTY) == null) {
            byte[] id = new byte[8];
            ThreadLocalRandom.current().nextBytes(id);
            System.setProperty(MACHINE_ID_PROPERTY, HexFormat.ofDelimiter(":").formatHex(id));
        }
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.print(USAGE);
            return 1;
        }
        String command = args.getFirst();
        List<String> rest = args.subList(1, args.size());
        try {
            // A background 'up' only waits for its gateway: its terminal shows warnings and errors, the log the rest.
            Logging.configure(System.getenv("LOG_LEVEL"), command.equals("up") && UpCommand.inBackground(rest)
                    ? Level.WARNING : Level.INFO);
        } catch (IllegalArgumentException e) {
            err.println("wgate: " + e.getMessage());
            return 1;
        }
        if (KeyCommands.handles(command)) {
            return KeyCommands.run(args, System.in, out, err);
        }
        return switch (command) {
            case "up" -> UpCommand.run(rest, out, err);
            case "down" -> DownCommand.run(rest, out, err);
            case "reload" -> ReloadCommand.run(rest, out, err);
            case "userspace" -> UserspaceCommand.run(rest, out, err);
            case "show" -> ShowCommand.run(rest, out, err);
            case "healthcheck" -> HealthcheckCommand.run(rest, out, err);
            case "check" -> CheckCommand.run(rest, out, err);
            case "import" -> ImportCommand.run(rest, out, err);
            case "export" -> ExportCommand.run(rest, out, err);
            case "--version", "version" -> {
                out.println("wgate " + Version.current());
                yield 0;
            }
            case "demo" -> DemoCommand.run(rest, out, err);
            case "help", "--help", "-h" -> {
                out.print(USAGE);
                yield 0;
            }
            default -> {
                err.println("wgate: unknown command '" + command + "'");
                err.print(USAGE);
                yield 1;
            }
        };
    }
}
