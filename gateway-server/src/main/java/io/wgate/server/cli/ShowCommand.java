package io.wgate.server.cli;

import io.wgate.server.uapi.DeviceStatus;
import io.wgate.server.uapi.ShowFormatter;
import io.wgate.server.uapi.UapiClient;
import io.wgate.server.uapi.UapiException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code wgate show [NAME]}: interfaces and peers the way {@code wg show} prints them, read through the
 * UAPI sockets in {@code /var/run/wireguard} (so it also shows wireguard-go interfaces).
 */
public final class ShowCommand {

    static final String USAGE = "Usage: wgate show [NAME]";

    private ShowCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() > 1) {
            err.println(USAGE);
            return 1;
        }
        List<String> names;
        try {
            names = args.isEmpty() ? UapiClient.interfaces() : List.of(InterfaceName.of(args.getFirst()));
        } catch (IllegalArgumentException e) {
            err.println("wgate show: " + e.getMessage());
            err.println(USAGE);
            return 1;
        } catch (IOException e) {
            err.println("wgate show: cannot list interfaces: " + e.getMessage());
            return 1;
        }
        List<DeviceStatus> devices = new ArrayList<>();
        int status = 0;
        for (String name : names) {
            try (UapiClient client = UapiClient.connect(name)) {
                devices.add(client.get());
            } catch (IOException | UapiException e) {
                err.println("wgate show: unable to access interface " + name + ": " + e.getMessage());
                status = 1;
            }
        }
        long now = System.currentTimeMillis() / 1000;
        RunFiles runFiles = RunFiles.system();
        for (int i = 0; i < devices.size(); i++) {
            DeviceStatus device = devices.get(i);
            String text = ShowFormatter.format(device, now);
            out.print((i > 0 ? "\n" : "") + withOffloads(text, OffloadStatus.read(runFiles, device.interfaceName())
                    .orElse(null)));
        }
        return status;
    }

    /**
     * {@code wg show}'s text with an {@code offloads:} line at the end of the interface section, for a gateway of
     * wgate's that recorded them (other implementations' interfaces have none).
     */
    static String withOffloads(String text, String offloads) {
        if (offloads == null) {
            return text;
        }
        String line = "  offloads: " + offloads + "\n";
        int end = text.indexOf("\n\n");
        return end < 0 ? text + line : text.substring(0, end + 1) + line + text.substring(end + 1);
    }
}
