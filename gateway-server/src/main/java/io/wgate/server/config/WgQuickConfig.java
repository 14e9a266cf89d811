package io.wgate.server.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A parsed wg-quick configuration file: one interface and its peers.
 *
 * <p>Entry points: {@link #parse(Path)} for {@code wgate up /etc/wireguard/wg0.conf}, and
 * {@link #parse(String, List)} for text held in memory. The first problem in file order is thrown as
 * a {@link ConfigException} ({@code FILE:LINE: KEY: WHAT}); softer findings are in {@link #warnings()}.
 * {@link #toWgQuickString()} writes the configuration back (for {@code SaveConfig}).
 *
 * @param interfaceName the interface name: the file's base name without {@code .conf}, or given explicitly;
 *                      always matches {@link #INTERFACE_NAME}
 * @param iface         the {@code [Interface]} section
 * @param peers         the {@code [Peer]} sections in file order
 * @param warnings      things that work but are probably mistakes, in file order
 */
public record WgQuickConfig(String interfaceName, InterfaceConfig iface, List<PeerConfig> peers,
                            List<ConfigWarning> warnings) {

    /** wg-quick's rule for interface names (and so config file base names); 15 = {@code IFNAMSIZ - 1}. */
    public static final Pattern INTERFACE_NAME = Pattern.compile("[a-zA-Z0-9_=+.-]{1,15}");

    private static final String SUFFIX = ".conf";

    public WgQuickConfig {
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (!isValidInterfaceName(interfaceName)) {
            throw new IllegalArgumentException("not a valid interface name: '" + interfaceName + "'");
        }
        Objects.requireNonNull(iface, "iface");
        peers = List.copyOf(peers);
        warnings = List.copyOf(warnings);
    }

    /** True when {@code name} is 1 to 15 characters from {@code [a-zA-Z0-9_=+.-]}. */
    public static boolean isValidInterfaceName(String name) {
        return INTERFACE_NAME.matcher(name).matches();
    }

    /**
     * Reads and parses a file whose base name is {@code <interface>.conf}, as wg-quick requires. Errors
     * name the file as given. Warns, as wg-quick does, when the file is world accessible.
     *
     * @throws ConfigException when the file name or content is not a valid configuration
     * @throws IOException     when the file cannot be read (or is not UTF-8)
     */
    public static WgQuickConfig parse(Path file) throws ConfigException, IOException {
        String shown = file.toString();
        return parse(file, interfaceNameOf(shown, baseName(file)));
    }

    /**
     * Reads and parses a file for an explicitly named interface; the file may be called anything.
     *
     * @throws ConfigException when the name or content is not valid
     * @throws IOException     when the file cannot be read (or is not UTF-8)
     */
    public static WgQuickConfig parse(Path file, String interfaceName) throws ConfigException, IOException {
        String shown = file.toString();
        checkInterfaceName(shown, interfaceName);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new ConfigException(shown, 0, null, "not UTF-8 text; save the file as UTF-8 (or plain ASCII)");
        }
        WgQuickParser parser = new WgQuickParser(shown, interfaceName, RtTables.hostNames()::contains);
        if (isWorldAccessible(file)) {
            parser.warn(0, null, "the file is world accessible, and it holds the private key; chmod 600 it");
        }
        return parser.parse(lines);
    }

    /**
     * Parses lines held in memory; {@code fileName} ({@code wg0.conf}, or a path ending in it) supplies
     * the interface name and is used in messages. Table names are checked against this host's
     * {@code rt_tables}.
     *
     * @throws ConfigException when the name or content is not valid
     */
    public static WgQuickConfig parse(String fileName, List<String> lines) throws ConfigException {
        return parse(fileName, interfaceNameOf(fileName, baseName(fileName)), lines, RtTables.hostNames()::contains);
    }

    /**
     * Parses lines held in memory for an explicitly named interface.
     *
     * @param fileName      used in messages only
     * @param interfaceName the interface name
     * @param lines         the file's lines
     * @param knownTable    which routing table names exist (normally {@code RtTables.hostNames()::contains})
     * @throws ConfigException when the name or content is not valid
     */
    public static WgQuickConfig parse(String fileName, String interfaceName, List<String> lines,
                                      Predicate<String> knownTable) throws ConfigException {
        checkInterfaceName(fileName, interfaceName);
        return new WgQuickParser(fileName, interfaceName, knownTable).parse(lines);
    }

    /**
     * No private key (all zero: the UAPI's "none"), no peers, nothing for wg-quick: what {@code wgate-userspace}
     * starts with before {@code wg setconf} configures it.
     */
    public static WgQuickConfig unconfigured(String interfaceName) {
        InterfaceConfig iface = new InterfaceConfig(WgKey.of(new byte[WgKey.LENGTH]), 0, List.of(), OptionalInt.empty(),
                List.of(), List.of(), RouteTable.AUTO, 0, Hooks.NONE, false);
        return new WgQuickConfig(interfaceName, iface, List.of(), List.of());
    }

    /** The same configuration for another interface name (wg-quick's name comes from the file name). */
    public WgQuickConfig withInterfaceName(String name) {
        return new WgQuickConfig(name, iface, peers, warnings);
    }

    /**
     * The configuration as a wg-quick file: {@code [Interface]} then each {@code [Peer]}, canonical key
     * spelling, one {@code Key = Value} per line, lists comma-separated, peer names as a comment after
     * {@code [Peer]}. Parsing the result gives an equal {@link #iface()} and {@link #peers()}.
     * Contains the private and preshared keys: write it to a file with mode 0600.
     */
    public String toWgQuickString() {
        return WgQuickWriter.write(this);
    }

    /**
     * Wipes the private key and every preshared key ({@link WgKey#wipe}), for a holder that handed them on
     * (to the engine) or no longer needs them; the configuration must not be used for keys afterwards. The
     * file's text, read into {@link String}s, cannot be wiped.
     */
    public void wipeKeys() {
        iface.privateKey().wipe();
        for (PeerConfig peer : peers) {
            peer.presharedKey().ifPresent(WgKey::wipe);
        }
    }

    /** Interface name and a summary; never key material. */
    @Override
    public String toString() {
        return "WgQuickConfig[interfaceName=" + interfaceName + ", iface=" + iface + ", peers=" + peers
                + ", warnings=" + warnings.size() + "]";
    }

    private static String baseName(Path file) {
        Path name = file.getFileName();
        return name == null ? "" : name.toString();
    }

    private static String baseName(String fileName) {
        return fileName.substring(fileName.lastIndexOf('/') + 1);
    }

    private static String interfaceNameOf(String shown, String baseName) throws ConfigException {
        String name = baseName.endsWith(SUFFIX) ? baseName.substring(0, baseName.length() - SUFFIX.length()) : "";
        if (!baseName.endsWith(SUFFIX) || !isValidInterfaceName(name)) {
            throw new ConfigException(shown, 0, null, "the file name must be an interface name followed by "
                    + "'.conf' (1-15 characters from a-z A-Z 0-9 _ = + . -, e.g. wg0.conf): the interface is named"
                    + " after the file; rename it");
        }
        return name;
    }

    private static void checkInterfaceName(String shown, String interfaceName) throws ConfigException {
        if (!isValidInterfaceName(interfaceName)) {
            throw new ConfigException(shown, 0, null, "'" + interfaceName + "' is not a valid interface name; use "
                    + "1-15 characters from a-z A-Z 0-9 _ = + . -");
        }
    }

    /** wg-quick's test: some "other" permission bit set on both the file and its directory. */
    private static boolean isWorldAccessible(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            int dirOthers = dir == null ? 7 : others(Files.getPosixFilePermissions(dir));
            return (others(Files.getPosixFilePermissions(file)) & dirOthers) != 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static int others(Set<PosixFilePermission> permissions) {
        return (permissions.contains(PosixFilePermission.OTHERS_READ) ? 4 : 0)
                | (permissions.contains(PosixFilePermission.OTHERS_WRITE) ? 2 : 0)
                | (permissions.contains(PosixFilePermission.OTHERS_EXECUTE) ? 1 : 0);
    }
}
