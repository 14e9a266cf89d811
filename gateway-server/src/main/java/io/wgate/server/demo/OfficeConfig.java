package io.wgate.server.demo;

import io.wgate.server.config.WgKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One office's WireGuard configuration for the site-to-site tunnel: its key, tunnel address, MTU and
 * port, and its single peer (the other office) with the prefixes routed to it.
 *
 * @param interfaceName interface and config base name
 * @param keys          this gateway's key pair
 * @param address       tunnel address with prefix length, for example {@code 172.16.1.1/24}, or several as a
 *                      wg-quick comma list ({@code 172.16.1.1/24, fd00:c::1/64})
 * @param mtu           tunnel MTU
 * @param listenPort    UDP port
 * @param peerPublicKey the other office's public key
 * @param allowedIps    prefixes routed to the peer (tunnel network and the far LAN)
 * @param endpoint      the peer's public {@code address:port}, if this side should know it
 */
public record OfficeConfig(String interfaceName, KeyPair keys, String address, int mtu, int listenPort,
                           WgKey peerPublicKey, List<String> allowedIps, Optional<String> endpoint) {

    public OfficeConfig {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(peerPublicKey, "peerPublicKey");
        allowedIps = List.copyOf(allowedIps);
        Objects.requireNonNull(endpoint, "endpoint");
    }

    /** The tunnel addresses with their prefix lengths, one per entry of {@link #address()}. */
    public List<String> addresses() {
        return List.of(address.strip().split("\\s*,\\s*"));
    }

    /** The prefixes other than the tunnel networks: the far LANs the gateway routes into the tunnel. */
    public List<String> farLans() {
        return allowedIps.stream()
                .filter(p -> !p.equals(Addressing.TUNNEL_NET) && !p.equals(Addressing.TUNNEL_NET_V6)).toList();
    }

    /** The wg-quick file ({@code Table} left at {@code auto}, so the AllowedIPs become routes). */
    public String wgQuick() {
        StringBuilder text = new StringBuilder(384);
        text.append("[Interface]\n")
                .append("PrivateKey = ").append(keys.privateKey().toBase64()).append('\n')
                .append("Address = ").append(address).append('\n')
                .append("ListenPort = ").append(listenPort).append('\n')
                .append("MTU = ").append(mtu).append('\n');
        appendPeer(text);
        return text.toString();
    }

    /** Only what {@code wg setconf} accepts (wg-quick's Address and MTU removed). */
    public String wgSetconf() {
        StringBuilder text = new StringBuilder(320);
        text.append("[Interface]\n")
                .append("PrivateKey = ").append(keys.privateKey().toBase64()).append('\n')
                .append("ListenPort = ").append(listenPort).append('\n');
        appendPeer(text);
        return text.toString();
    }

    /**
     * The same configuration as the body of a UAPI {@code set=1} request (https://www.wireguard.com/xplatform/), as
     * {@code wg setconf} sends it: {@code key=value} lines, no blank line.
     */
    public String uapiSetBody() {
        StringBuilder text = new StringBuilder(512);
        text.append("private_key=").append(keys.privateKey().toHex()).append('\n')
                .append("listen_port=").append(listenPort).append('\n')
                .append("replace_peers=true\n")
                .append("public_key=").append(peerPublicKey.toHex()).append('\n');
        endpoint.ifPresent(e -> text.append("endpoint=").append(e).append('\n'));
        text.append("replace_allowed_ips=true\n");
        allowedIps.forEach(p -> text.append("allowed_ip=").append(p).append('\n'));
        return text.toString();
    }

    /** {@link #wgQuick()} with the private key replaced by a placeholder, for showing. */
    public String redacted() {
        return wgQuick().replace(keys.privateKey().toBase64(), "(generated, not shown)");
    }

    private void appendPeer(StringBuilder text) {
        text.append("\n[Peer]\n")
                .append("PublicKey = ").append(peerPublicKey.toBase64()).append('\n')
                .append("AllowedIPs = ").append(String.join(", ", allowedIps)).append('\n');
        endpoint.ifPresent(e -> text.append("Endpoint = ").append(e).append('\n'));
    }

    /** Writes {@code text} to {@code file}, created with mode 600 before any key byte is written. */
    static Path writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return file;
    }

    /** Writes the wg-quick file as {@code dir/<interface>.conf} (mode 600) and returns its path. */
    public Path writeTo(Path dir) throws IOException {
        return writePrivate(dir.resolve(interfaceName + ".conf"), wgQuick());
    }
}
