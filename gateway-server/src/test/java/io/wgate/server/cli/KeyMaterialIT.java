package io.wgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wgate.server.config.KeyMaterialSearch;
import io.wgate.server.config.WgKey;
import io.wgate.server.demo.JavaRuntime;
import io.wgate.server.demo.KeyPair;
import io.wgate.server.demo.TestRuntime;
import io.wgate.server.net.CommandResult;
import io.wgate.server.net.ProcessCommandRunner;
import io.wgate.tun.testing.NetNs;
import io.wgate.tun.testing.Privileged;
import io.wgate.tun.testing.RequiresCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No key material in anything the gateway writes. A real background gateway ({@code wgate up}, in a
 * network namespace of the test's own, run directory in a temporary directory) holds a known private
 * key and preshared key, with keys in its hooks too; then it gets every kind of bad UAPI request with
 * those keys in them, good requests that replace both keys, {@code wgate show} and {@code wg show},
 * bad configuration files for a second {@code wgate up}, a port conflict and the deletion of its TUN
 * link. Every byte written on the way (the run directory's logs, every command's standard output and
 * error, every UAPI answer) is searched for each of the four keys in every encoding and any
 * 12-character piece of one ({@link KeyMaterialSearch}). The answers that carry keys by design
 * ({@code get=1}, {@code wg showconf}) are searched too, and must hold them: that proves the search
 * finds what it looks for. The run directory must end up 0700 and the logs 0600, although both
 * existed with wider modes before.
 */
@Privileged
@RequiresCommands("wg")
class KeyMaterialIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(150);
    private static final int PORT = 51820;

    @TempDir
    Path tmp;

    private final JavaRuntime runtime = TestRuntime.runtime();
    private final SecureRandom random = new SecureRandom();
    /** Everything searched for leaks, by where it came from. */
    private final Map<String, String> written = new LinkedHashMap<>();
    private int sequence;
    private NetNs ns;
    private String name;
    private String otherName;
    private Path runDir;
    private Path socket;

    private KeyPair own;
    private WgKey psk;
    private KeyPair replacement;
    private WgKey replacementPsk;
    private KeyPair peer;
    private KeyMaterialSearch secrets;

    @BeforeEach
    void gatewayFiles() throws IOException {
        String tag = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        name = "wgt-km" + tag;
        otherName = "wgt-kn" + tag;
        socket = Path.of("/var/run/wireguard", name + ".sock");
        ns = NetNs.create("keymat");
        own = KeyPair.generate(random);
        psk = randomKey();
        replacement = KeyPair.generate(random);
        replacementPsk = randomKey();
        peer = KeyPair.generate(random);
        secrets = new KeyMaterialSearch().secret("private key", own.privateKey()).secret("preshared key", psk)
                .secret("replacement private key", replacement.privateKey())
                .secret("replacement preshared key", replacementPsk);
        // As an older wgate left them: a run directory and a log that others may read.
        runDir = Files.createDirectories(tmp.resolve("run"));
        Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path oldLog = Files.writeString(runDir.resolve(name + ".log"), "an earlier run\n");
        Files.setPosixFilePermissions(oldLog, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Kills what still runs in our namespace (only this test starts processes there), then removes it. */
    @AfterEach
    void removeEverything() throws Exception {
        CommandResult pids = new ProcessCommandRunner(Duration.ofSeconds(10))
                .run(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "pids", ns.name()));
        for (String line : pids.stdout().lines().map(String::strip).filter(l -> l.matches("\\d+")).toList()) {
            ProcessHandle.of(Long.parseLong(line)).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join();
            });
        }
        ns.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(Path.of("/var/run/wireguard", otherName + ".sock"));
    }

    private WgKey randomKey() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return WgKey.of(bytes);
    }

    private static String hex(WgKey key) {
        return key.toHex();
    }

    private static String urlSafe(WgKey key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.bytes());
    }

    // ---------------------------------------------------------------- running things, keeping what they wrote

    /** {@code ip netns exec NS env WGATE_RUN_DIR=DIR java ... -jar wgate.jar ARGS}; its output is kept. */
    private CommandResult wgate(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(NetNs.findIp().orElseThrow().toString(), "netns", "exec",
                ns.name(), "env", "WGATE_RUN_DIR=" + runDir));
        command.addAll(runtime.wgate(args));
        return keep("wgate " + String.join(" ", args), new ProcessCommandRunner(COMMAND_TIMEOUT).run(command));
    }

    /** A host command (outside the namespace); its output is kept. */
    private CommandResult host(String... command) throws IOException {
        return keep(String.join(" ", command), new ProcessCommandRunner(COMMAND_TIMEOUT).run(List.of(command)));
    }

    private CommandResult keep(String what, CommandResult result) {
        String label = "#" + ++sequence + " " + what;
        written.put(label + " (stdout)", result.stdout());
        written.put(label + " (stderr)", result.stderr());
        return result;
    }

    /**
     * Sends {@code request} on a new UAPI connection as raw bytes, shuts down the sending side and reads
     * the answer to the end (the gateway closes after answering, or at once on a bad operation). The
     * gateway may close before it has read everything (a line or request over the limit): then the
     * answer is what arrived.
     */
    private String uapi(String request) throws Exception {
        String text = uapiUnkept(request);
        written.put("#" + ++sequence + " UAPI answer to " + request.lines().findFirst().orElse("") + " ("
                + request.length() + " bytes)", text);
        return text;
    }

    /** {@code get=1}: its answer holds the keys by design, so it is not searched. */
    private String get() throws Exception {
        String text = uapiUnkept("get=1\n\n");
        assertTrue(text.endsWith("errno=0\n\n"), text);
        assertFalse(secrets.find("get", text).isEmpty(), "get holds the keys, and the search finds them");
        return text;
    }

    private String uapiUnkept(String request) throws Exception {
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
                try {
                    while (out.hasRemaining()) {
                        channel.write(out);
                    }
                    channel.shutdownOutput();
                } catch (IOException closedEarly) {
                    // the gateway refused the rest; read what it answered
                }
                ByteArrayOutputStream in = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                try {
                    while (channel.read(buffer) >= 0) {
                        in.write(buffer.array(), 0, buffer.position());
                        buffer.clear();
                    }
                } catch (IOException reset) {
                    // connection reset after a refusal
                }
                return in.toString(StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return answer.get(60, TimeUnit.SECONDS);
    }

    private String log() throws IOException {
        return Files.readString(runDir.resolve(name + ".log"), StandardCharsets.ISO_8859_1);
    }

    private Path writeConfig(Path dir, String interfaceName, String text) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(interfaceName + ".conf");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
        return file;
    }

    /** The gateway's configuration, with keys in its hooks (which the log echoes, keys hidden). */
    private String config() {
        return "[Interface]\n"
                + "PrivateKey = " + own.privateKey().toBase64() + "\n"
                + "Address = 172.16.9.1/24\n"
                + "ListenPort = " + PORT + "\n"
                + "MTU = 1420\n"
                + "PostUp = echo " + own.privateKey().toBase64() + " " + hex(own.privateKey()) + " > /dev/null\n"
                + "PostUp = echo " + hex(psk) + "; echo " + psk.toBase64() + " >&2\n"
                + "PreDown = echo " + urlSafe(own.privateKey()) + " " + hex(psk).toUpperCase(Locale.ROOT) + "\n"
                + "\n[Peer]\n"
                + "PublicKey = " + peer.publicKey().toBase64() + "\n"
                + "PresharedKey = " + psk.toBase64() + "\n"
                + "AllowedIPs = 172.16.9.0/24, 192.168.9.0/24\n";
    }

    // ---------------------------------------------------------------- the test

    @Test
    void noKeyInAnyLogOutputOrAnswerWhateverGoesWrong() throws Exception {
        Path config = writeConfig(tmp, name, config());
        assertFalse(secrets.find("config", Files.readString(config)).isEmpty(), "the search finds the keys");

        CommandResult up = wgate("up", config.toString());
        assertEquals(0, up.exitCode(), up.stdout() + up.stderr() + log());
        assertTrue(up.stderr().contains(runDir + " had mode 0755; changed it to 0700"), up.stderr());
        assertTrue(up.stderr().contains(runDir.resolve(name + ".log") + " had mode 0644; changed it to 0600"),
                up.stderr());
        long pid = new RunFiles(runDir).readPid(name).orElseThrow();

        int rejected = injectBadRequests();
        replaceTheKeys();
        readBack();
        int badConfigs = upWithBadConfigs();
        portConflict();
        deleteTheLink(pid);

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runDir)));
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                assertFalse(fileName.endsWith(".state"), "down left " + fileName + " (it holds the down hooks)");
                if (fileName.endsWith(".log")) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                            fileName);
                }
                leaks.addAll(secrets.find(fileName, Files.readString(file, StandardCharsets.ISO_8859_1)));
            }
        }
        for (Map.Entry<String, String> output : written.entrySet()) {
            leaks.addAll(secrets.find(output.getKey(), output.getValue()));
        }
        assertEquals(List.of(), leaks, "key material in what the gateway wrote");

        // It all happened: the log saw every request, the hooks, the replacement and the fault.
        String log = log();
        assertTrue(log.startsWith("an earlier run\n"), "the log was kept, only its mode changed");
        assertTrue(countOf(log, "UAPI set rejected") >= rejected, "every bad set was logged:\n" + log);
        assertTrue(log.contains("closing UAPI connection: line 1: unknown operation 'private_key'"), log);
        assertTrue(log.contains("UAPI set applied: private key set"), log);
        assertTrue(log.contains("[#] bash -c 'echo (key material hidden) (key material hidden) > /dev/null'"), log);
        assertTrue(log.contains("the TUN device is gone; shutting down"), log);
        assertFalse(log.contains("LEAK:"), "Netty reported a leak (failsafe runs gateways with leak detection):\n" + log);
        assertTrue(countOf(String.join("\n", written.values()), "wgate up: ") >= badConfigs, "each bad config failed");
    }

    private static int countOf(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    /** Bad requests of every kind, the keys in each; returns how many were set requests the gateway rejected. */
    private int injectBadRequests() throws Exception {
        String peerHex = hex(peer.publicKey());
        List<String> forms = List.of(own.privateKey().toBase64(), urlSafe(own.privateKey()),
                hex(own.privateKey()) + "x", hex(own.privateKey()).toUpperCase(Locale.ROOT) + "/8",
                "[" + hex(psk) + "]:1", "192.0.2.1:" + hex(psk), "10.0.0.0/" + hex(psk), "-" + hex(psk),
                psk.toBase64(), hex(psk) + hex(psk));
        int rejected = 0;
        for (String key : List.of("private_key", "listen_port", "fwmark", "replace_peers")) {
            for (String value : forms) {
                assertTrue(uapi("set=1\n" + key + "=" + value + "\n\n").startsWith("errno=-22\n"), key);
                rejected++;
            }
        }
        for (String key : List.of("public_key", "update_only", "remove", "preshared_key", "endpoint",
                "persistent_keepalive_interval", "replace_allowed_ips", "allowed_ip", "protocol_version")) {
            for (String value : forms) {
                assertTrue(uapi("set=1\npublic_key=" + peerHex + "\n" + key + "=" + value + "\n\n")
                        .startsWith("errno=-22\n"), key + "=" + value.length());
                rejected++;
            }
        }
        // unknown keys named by a key, a line that is a key, a good line before a bad one
        for (String line : List.of(hex(own.privateKey()) + "=1", own.privateKey().toBase64(), hex(psk),
                "public_key=" + peerHex + "\n" + psk.toBase64() + "=" + hex(psk),
                "private_key=" + hex(own.privateKey()) + "\nlisten_port=" + hex(psk),
                "private_key=" + hex(own.privateKey()) + "\npublic_key=" + peerHex + "\npreshared_key=" + hex(psk)
                        + "\nfrobnicate=" + hex(psk))) {
            assertTrue(uapi("set=1\n" + line + "\n\n").startsWith("errno=-"), line.length() + " characters");
            rejected++;
        }
        // a stray blank line: the empty set is applied, the key line arrives as an operation
        assertEquals("errno=0\n\n", uapi("set=1\n\nprivate_key=" + hex(own.privateKey()) + "\n"
                + "public_key=" + peerHex + "\npreshared_key=" + hex(psk) + "\n\n"));
        // bad operation lines
        for (String operation : List.of(hex(own.privateKey()), "get=" + hex(own.privateKey()),
                "set=" + psk.toBase64(), own.privateKey().toBase64() + "=1", "preshared_key=" + hex(psk))) {
            assertEquals("", uapi(operation + "\n\n"), "closed without an answer");
        }
        // a line over the limit, a request over the limit, a request cut off
        assertEquals("errno=-5\n\n", uapi("set=1\nprivate_key=" + hex(own.privateKey()).repeat(70) + "\n\n"));
        String huge = "set=1\n" + ("preshared_key=" + hex(psk) + "\n").repeat((16 << 20) / 78 + 2) + "\n";
        uapi("set=1\npublic_key=" + peerHex + "\n" + huge.substring("set=1\n".length()));
        assertEquals("", uapi("set=1\nprivate_key=" + hex(own.privateKey()) + "\npublic_key=" + peerHex
                + "\npreshared_key=" + hex(psk) + "\n"), "a request cut off is never applied");
        // the key is still ours: get answers with it (this answer must hold it)
        String get = get();
        assertTrue(get.contains("private_key=" + hex(own.privateKey()) + "\n"), "the private key is unchanged");
        assertTrue(get.contains("preshared_key=" + hex(psk) + "\n"), "the preshared key is unchanged");
        return rejected;
    }

    /** Good requests that replace the private and the preshared key: the old ones must not show up either. */
    private void replaceTheKeys() throws Exception {
        assertEquals("errno=0\n\n", uapi("set=1\nprivate_key=" + hex(replacement.privateKey()) + "\n"
                + "public_key=" + hex(peer.publicKey()) + "\npreshared_key=" + hex(replacementPsk) + "\n\n"));
    }

    /** {@code wgate show}, {@code wg show}; {@code wg showconf} and get hold the new keys by design. */
    private void readBack() throws Exception {
        CommandResult show = wgate("show", name);
        assertEquals(0, show.exitCode(), show.stderr());
        assertTrue(show.stdout().contains("public key: " + replacement.publicKey().toBase64()), show.stdout());
        assertTrue(show.stdout().contains("private key: (hidden)") && show.stdout().contains("preshared key: (hidden)"),
                show.stdout());
        CommandResult wgShow = host("env", "-u", "WG_HIDE_KEYS", "wg", "show", name);
        assertEquals(0, wgShow.exitCode(), wgShow.stderr());
        assertTrue(wgShow.stdout().contains("private key: (hidden)"), wgShow.stdout());

        CommandResult showconf = new ProcessCommandRunner(COMMAND_TIMEOUT).run(List.of("wg", "showconf", name));
        assertEquals(0, showconf.exitCode(), showconf.stderr());
        assertFalse(secrets.find("showconf", showconf.stdout()).isEmpty(), "showconf holds the keys, and the search"
                + " finds them");
        assertTrue(showconf.stdout().contains(replacement.privateKey().toBase64()), "the key was replaced");
        assertTrue(get().contains("private_key=" + hex(replacement.privateKey())), "get answers with the new key");
    }

    /** A second {@code wgate up} of the same interface with a key in the wrong place; returns how many. */
    private int upWithBadConfigs() throws Exception {
        String privateKey = "PrivateKey = " + own.privateKey().toBase64();
        String b64 = own.privateKey().toBase64();
        String oneCharacterShort = b64.substring(0, 20) + b64.substring(21);
        String oneCharacterWrong = b64.substring(0, 20) + "!" + b64.substring(21);
        List<String[]> edits = List.of(
                new String[] {"ListenPort = " + PORT, "ListenPort = " + hex(own.privateKey())},
                new String[] {"ListenPort = " + PORT, "ListenPort = " + b64},
                new String[] {"MTU = 1420", "MTU = " + hex(psk)},
                new String[] {"MTU = 1420", "FwMark = " + hex(own.privateKey())},
                new String[] {"Address = 172.16.9.1/24", "Address = " + b64},
                new String[] {"Address = 172.16.9.1/24", "DNS = 192.0.2.53, " + psk.toBase64()},
                new String[] {"Address = 172.16.9.1/24", "Table = " + hex(own.privateKey()) + "x"},
                new String[] {"Address = 172.16.9.1/24", "SaveConfig = " + psk.toBase64()},
                new String[] {privateKey, "PrivateKey = " + hex(own.privateKey())},
                new String[] {privateKey, "PrivateKey = " + oneCharacterShort},
                new String[] {privateKey, "PrivateKey = " + oneCharacterWrong},
                new String[] {privateKey, "PrivateKey = " + urlSafe(own.privateKey())},
                new String[] {privateKey, privateKey + "\n" + b64},
                new String[] {privateKey, privateKey + "\n" + hex(own.privateKey())},
                new String[] {privateKey, privateKey + "\n[" + b64 + "]"},
                new String[] {"[Interface]", b64 + " = 1\n[Interface]"},
                new String[] {"PresharedKey = " + psk.toBase64(), "PresharedKey = " + hex(psk)},
                new String[] {"AllowedIPs = 172.16.9.0/24, 192.168.9.0/24", "AllowedIPs = " + psk.toBase64()},
                new String[] {"AllowedIPs = 172.16.9.0/24, 192.168.9.0/24",
                        "AllowedIPs = 10.0.0.0/8\nEndpoint = " + b64 + ":51820"},
                new String[] {"AllowedIPs = 172.16.9.0/24, 192.168.9.0/24",
                        "AllowedIPs = 10.0.0.0/8\nEndpoint = 192.0.2.1:" + hex(own.privateKey())},
                new String[] {"AllowedIPs = 172.16.9.0/24, 192.168.9.0/24",
                        "AllowedIPs = 10.0.0.0/8\nPersistentKeepalive = " + hex(psk)});
        int n = 0;
        for (String[] edit : edits) {
            String text = config();
            assertTrue(text.contains(edit[0]), edit[0]);
            Path file = writeConfig(tmp.resolve("bad" + ++n), name, text.replace(edit[0], edit[1]));
            CommandResult up = wgate("up", file.toString());
            assertEquals(1, up.exitCode(), "bad config " + n + ":\n" + up.stderr());
            assertTrue(up.stderr().contains("wgate up: " + file + ":"), "bad config " + n + ": " + up.stderr());
        }
        CommandResult again = wgate("up", writeConfig(tmp.resolve("again"), name, config()).toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.stderr().contains(name + " is already running"), again.stderr());
        return n;
    }

    /** Another interface on the same UDP port: its start fails and is rolled back, keys in its config. */
    private void portConflict() throws Exception {
        Path file = writeConfig(tmp.resolve("conflict"), otherName, config().replace("172.16.9.", "172.16.10.")
                .replace("192.168.9.", "192.168.10."));
        CommandResult up = wgate("up", file.toString());
        assertEquals(1, up.exitCode(), up.stdout() + up.stderr());
        assertTrue(up.stderr().contains("cannot listen on UDP port " + PORT), up.stderr());
    }

    /** The TUN link is deleted under the gateway: it stops by itself; {@code down} removes what is left. */
    private void deleteTheLink(long pid) throws Exception {
        ns.ip("link", "del", name);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
        CommandResult down = wgate("down", name);
        assertTrue(down.exitCode() == 0 || down.exitCode() == 1, down.stderr());
        assertEquals(OptionalLong.empty(), new RunFiles(runDir).readPid(name), "pid file");
        assertFalse(Files.exists(socket), "UAPI socket");
    }
}
