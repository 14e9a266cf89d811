package io.wgate.server.config;

import io.wgate.core.route.Prefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pass over the lines of a wg-quick file. Stops at the first problem, in file order, with a
 * {@link ConfigException}; collects {@link ConfigWarning}s on the way. Not thread-safe; one instance
 * per parse.
 */
final class WgQuickParser {

    /** {@code # Name = Satellite} (also {@code FriendlyName}, {@code :} instead of {@code =}). */
    private static final Pattern NAME_COMMENT = Pattern.compile("(?i)(?:friendly[ _-]?)?name\\s*[=:]\\s*(\\S.*)");
    /** A commented-out setting such as {@code # PersistentKeepalive = 25}: not a peer name. */
    private static final Pattern KEY_LIKE_COMMENT = Pattern.compile("[A-Za-z][A-Za-z0-9_]*\\s*=.*");
    private static final Pattern SEARCH_DOMAIN =
            Pattern.compile("(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern LIST_SEPARATOR = Pattern.compile("[,\\s]+");

    /** Below this an IPv6-enabled link loses IPv6 (RFC 8200 §5 minimum link MTU; the kernel drops it). */
    static final int IPV6_MIN_MTU = 1280;
    /** Smallest MTU accepted: the IPv4 minimum datagram every host must accept (RFC 791). */
    static final int MIN_MTU = 576;
    static final int MAX_MTU = 65535;

    private enum Section { NONE, INTERFACE, PEER }

    private final String file;
    private final String interfaceName;
    private final Predicate<String> knownTable;
    private final List<ConfigWarning> warnings = new ArrayList<>();

    private Section section = Section.NONE;

    private int interfaceLine;
    private final EnumMap<ConfigKey, Integer> interfaceKeyLines = new EnumMap<>(ConfigKey.class);
    private WgKey privateKey;
    private WgKey ownPublicKey;
    private int listenPort;
    private final List<InterfaceAddress> addresses = new ArrayList<>();
    private final Map<InetAddress, Integer> addressLines = new HashMap<>();
    private OptionalInt mtu = OptionalInt.empty();
    private final List<InetAddress> dnsServers = new ArrayList<>();
    private final List<String> dnsSearch = new ArrayList<>();
    private RouteTable table = RouteTable.AUTO;
    private long fwMark;
    private final List<String> preUp = new ArrayList<>();
    private final List<String> postUp = new ArrayList<>();
    private final List<String> preDown = new ArrayList<>();
    private final List<String> postDown = new ArrayList<>();
    private boolean saveConfig;

    private PeerDraft peer;
    private final List<PeerDraft> peers = new ArrayList<>();
    private final Map<WgKey, Integer> peerKeyLines = new HashMap<>();
    /** Prefix → the [Peer] header line of the last peer that listed it. */
    private final Map<Prefix, PeerDraft> prefixOwners = new HashMap<>();
    private boolean anyIpv6AllowedIp;

    private static final class PeerDraft {
        final int headerLine;
        final EnumMap<ConfigKey, Integer> keyLines = new EnumMap<>(ConfigKey.class);
        WgKey publicKey;
        WgKey presharedKey;
        final Map<Prefix, Integer> allowedIps = new LinkedHashMap<>();
        Endpoint endpoint;
        int keepalive;
        String name;
        boolean sawKey;

        PeerDraft(int headerLine) {
            this.headerLine = headerLine;
        }
    }

    WgQuickParser(String file, String interfaceName, Predicate<String> knownTable) {
        this.file = file;
        this.interfaceName = interfaceName;
        this.knownTable = knownTable;
    }

    /** Adds a warning that comes from outside the text (file permissions). */
    void warn(int line, String key, String detail) {
        warnings.add(new ConfigWarning(file, line, key, detail));
    }

    WgQuickConfig parse(List<String> lines) throws ConfigException {
        try {
            return parseLines(lines);
        } catch (ConfigException | RuntimeException e) {
            wipeKeys(); // nothing parsed is used: the keys read so far go
            throw e;
        }
    }

    private void wipeKeys() {
        if (privateKey != null) {
            privateKey.wipe();
        }
        for (PeerDraft p : peers) {
            if (p.presharedKey != null) {
                p.presharedKey.wipe();
            }
        }
        if (peer != null && peer.presharedKey != null) {
            peer.presharedKey.wipe();
        }
    }

    private WgQuickConfig parseLines(List<String> lines) throws ConfigException {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // byte order mark from Windows editors
            }
            parseLine(i + 1, line);
        }
        finishSection();
        if (interfaceLine == 0) {
            throw new ConfigException(file, 0, "[Interface]",
                    "missing section; the file needs an [Interface] section with this gateway's PrivateKey");
        }
        if (mtu.isPresent() && mtu.getAsInt() < IPV6_MIN_MTU
                && (addresses.stream().anyMatch(InterfaceAddress::isIpv6) || anyIpv6AllowedIp)) {
            warn(interfaceKeyLines.get(ConfigKey.MTU), ConfigKey.MTU.canonical, "MTU " + mtu.getAsInt()
                    + " is below " + IPV6_MIN_MTU + ", the IPv6 minimum; the kernel disables IPv6 on the interface,"
                    + " so IPv6 addresses and routes will not work");
        }
        InterfaceConfig iface = new InterfaceConfig(privateKey, listenPort, addresses, mtu, dnsServers, dnsSearch,
                table, fwMark, new Hooks(preUp, postUp, preDown, postDown), saveConfig);
        List<PeerConfig> peerConfigs = new ArrayList<>(peers.size());
        for (PeerDraft p : peers) {
            peerConfigs.add(new PeerConfig(p.publicKey, Optional.ofNullable(p.presharedKey),
                    List.copyOf(p.allowedIps.keySet()), Optional.ofNullable(p.endpoint), p.keepalive,
                    Optional.ofNullable(p.name)));
        }
        return new WgQuickConfig(interfaceName, iface, peerConfigs, warnings);
    }

    private void parseLine(int n, String line) throws ConfigException {
        int hash = line.indexOf('#');
        String content = (hash < 0 ? line : line.substring(0, hash)).strip();
        String comment = hash < 0 ? null : line.substring(hash + 1).replaceFirst("^[#\\s]+", "").strip();
        if (content.isEmpty()) {
            if (comment != null) {
                onComment(comment);
            }
            return;
        }
        if (content.startsWith("[")) {
            onSectionHeader(n, content);
            if (comment != null) {
                onComment(comment);
            }
            return;
        }
        int eq = content.indexOf('=');
        if (eq < 0) {
            Optional<ConfigKey> k = ConfigKey.lookup(content);
            if (k.isPresent()) {
                throw error(n, k.get(), "has no '= value'; write " + k.get().canonical + " = ...");
            }
            throw new ConfigException(file, n, null, Redaction.value(content)
                    + " is neither a 'Key = Value' line nor a [Section] header");
        }
        String keyText = content.substring(0, eq).strip();
        String value = content.substring(eq + 1).strip();
        if (keyText.isEmpty()) {
            throw new ConfigException(file, n, null, "line starts with '='; expected 'Key = Value'");
        }
        Optional<ConfigKey> known = ConfigKey.lookup(keyText);
        // An unknown key is named only when it looks like a key name: a key pasted on a line of its own
        // ends in '=' and so arrives here as the name of a key.
        boolean plainName = Redaction.isPlainName(keyText);
        if (section == Section.NONE) {
            if (known.isEmpty() && !plainName) {
                throw new ConfigException(file, n, null, "a key " + Redaction.name(keyText)
                        + " appears before any section; put it under [Interface] or [Peer]");
            }
            throw new ConfigException(file, n, known.map(k -> k.canonical).orElse(keyText),
                    "appears before any section; put it under [Interface] or [Peer]");
        }
        boolean inInterface = section == Section.INTERFACE;
        if (known.isEmpty()) {
            String hint = ConfigKey.closest(keyText, inInterface).map(k -> " (did you mean " + k.canonical + "?)")
                    .orElse("");
            String where = (inInterface ? "[Interface]" : "[Peer]") + hint + "; valid keys there are "
                    + ConfigKey.namesIn(inInterface);
            if (!plainName) {
                throw new ConfigException(file, n, null, "unknown key " + Redaction.name(keyText) + " in " + where);
            }
            throw new ConfigException(file, n, keyText, "unknown key in " + where);
        }
        ConfigKey key = known.get();
        if (key.inInterface != inInterface) {
            throw error(n, key, "belongs in " + key.section() + ", not in " + (inInterface ? "[Interface]" : "[Peer]"));
        }
        if (key.wgKey) {
            value = WHITESPACE.matcher(value).replaceAll(""); // wg strips all whitespace in a line
        }
        if (value.isEmpty()) {
            throw error(n, key, "has no value; give one or remove the line");
        }
        EnumMap<ConfigKey, Integer> seen = inInterface ? interfaceKeyLines : peer.keyLines;
        Integer first = seen.putIfAbsent(key, n);
        if (first != null && !key.repeatable) {
            throw error(n, key, "set twice (first on line " + first + "); keep one of them");
        }
        if (!inInterface) {
            peer.sawKey = true;
        }
        try {
            if (inInterface) {
                interfaceValue(n, key, value);
            } else {
                peerValue(n, key, value);
            }
        } catch (IllegalArgumentException e) {
            throw error(n, key, e.getMessage());
        }
    }

    private void onSectionHeader(int n, String content) throws ConfigException {
        if (!content.endsWith("]")) {
            throw new ConfigException(file, n, null, Redaction.value(content)
                    + " is not a section header; expected [Interface] or [Peer]");
        }
        String name = content.substring(1, content.length() - 1).strip();
        finishSection();
        if (name.equalsIgnoreCase("Interface")) {
            if (interfaceLine != 0) {
                throw new ConfigException(file, n, "[Interface]", "second [Interface] section (the first is on line "
                        + interfaceLine + "); a file describes one interface");
            }
            interfaceLine = n;
            section = Section.INTERFACE;
        } else if (name.equalsIgnoreCase("Peer")) {
            peer = new PeerDraft(n);
            section = Section.PEER;
        } else if (Redaction.isPlainName(name)) {
            throw new ConfigException(file, n, "[" + name + "]", "unknown section; expected [Interface] or [Peer]");
        } else {
            throw new ConfigException(file, n, null, "unknown section " + Redaction.name(name)
                    + "; expected [Interface] or [Peer]");
        }
    }

    private void onComment(String comment) {
        if (section != Section.PEER || comment.isEmpty()) {
            return;
        }
        Matcher m = NAME_COMMENT.matcher(comment);
        if (m.matches()) {
            peer.name = m.group(1).strip();
        } else if (!peer.sawKey && peer.name == null && !KEY_LIKE_COMMENT.matcher(comment).matches()) {
            peer.name = comment;
        }
    }

    private void finishSection() throws ConfigException {
        if (section == Section.INTERFACE && privateKey == null) {
            throw error(interfaceLine, ConfigKey.PRIVATE_KEY,
                    "missing; [Interface] needs this gateway's private key (make one with 'wgate genkey')");
        }
        if (section == Section.PEER) {
            if (peer.publicKey == null) {
                throw error(peer.headerLine, ConfigKey.PUBLIC_KEY,
                        "missing; every [Peer] needs the other side's public key ('wgate pubkey < its.key')");
            }
            peers.add(peer);
            peer = null;
        }
        section = Section.NONE;
    }

    private void interfaceValue(int n, ConfigKey key, String value) throws ConfigException {
        switch (key) {
            case PRIVATE_KEY -> {
                privateKey = parseKey(value, "'wgate genkey'");
                ownPublicKey = privateKey.publicKey();
                for (PeerDraft p : peers) { // peers written before [Interface]
                    checkNotOwnKey(p.keyLines.get(ConfigKey.PUBLIC_KEY), p.publicKey);
                }
            }
            case LISTEN_PORT -> listenPort = (int) parseNumber(value, 65535,
                    "is not a port number; use 1..65535, or remove the line for a random port");
            case FW_MARK -> fwMark = parseFwMark(value);
            case ADDRESS -> {
                for (String item : splitList(value)) {
                    InterfaceAddress a = InterfaceAddress.parse(item);
                    Integer earlier = addressLines.putIfAbsent(a.address(), n);
                    if (earlier != null) {
                        throw error(n, key, IpLiteral.format(a.address()) + " is listed twice (also on line " + earlier
                                + "); 'ip address add' would fail");
                    }
                    addresses.add(a);
                }
            }
            case DNS -> {
                for (String item : splitList(value)) {
                    Optional<InetAddress> ip = IpLiteral.parse(item);
                    if (ip.isPresent()) {
                        dnsServers.add(ip.get());
                    } else if (SEARCH_DOMAIN.matcher(item).matches()) {
                        dnsSearch.add(item);
                    } else {
                        throw new IllegalArgumentException(Redaction.value(item)
                                + " is neither an IP address (a nameserver) nor a domain name (a search domain)");
                    }
                }
            }
            case MTU -> {
                long value64 = parseNumber(value, Long.MAX_VALUE, "is not a number; use " + MIN_MTU + ".." + MAX_MTU
                        + ", or remove the line to compute it from the route to the endpoints");
                if (value64 < MIN_MTU || value64 > MAX_MTU) {
                    throw new IllegalArgumentException(Redaction.unquoted(value) + " is out of range; use " + MIN_MTU
                            + ".." + MAX_MTU
                            + " (1420 suits most links), or remove the line to compute it automatically");
                }
                mtu = OptionalInt.of((int) value64);
            }
            case TABLE -> table = RouteTable.parse(value, knownTable);
            case PRE_UP -> preUp.add(value);
            case POST_UP -> postUp.add(value);
            case PRE_DOWN -> preDown.add(value);
            case POST_DOWN -> postDown.add(value);
            case SAVE_CONFIG -> saveConfig = parseBoolean(value);
            default -> throw new AssertionError(key);
        }
    }

    private void peerValue(int n, ConfigKey key, String value) throws ConfigException {
        switch (key) {
            case PUBLIC_KEY -> {
                WgKey k = parseKey(value, "'wgate pubkey'");
                Integer earlier = peerKeyLines.putIfAbsent(k, peer.headerLine);
                if (earlier != null) {
                    throw error(n, key, "same key as the [Peer] on line " + earlier
                            + "; each peer may appear once, merge the two sections");
                }
                checkNotOwnKey(n, k);
                peer.publicKey = k;
            }
            case PRESHARED_KEY -> peer.presharedKey = parseKey(value, "'wgate genpsk'");
            case ALLOWED_IPS -> {
                for (String item : value.split(",", -1)) {
                    if (item.isEmpty()) {
                        throw new IllegalArgumentException("empty entry in the list (a stray comma?)");
                    }
                    addAllowedIp(n, item);
                }
            }
            case ENDPOINT -> peer.endpoint = Endpoint.parse(value);
            case PERSISTENT_KEEPALIVE -> peer.keepalive = value.equalsIgnoreCase("off") ? 0
                    : (int) parseNumber(value, 65535, "is not a keepalive interval; use 1..65535 seconds "
                            + "(25 is usual behind NAT), or 0/off to disable");
            default -> throw new AssertionError(key);
        }
    }

    private void addAllowedIp(int n, String item) {
        int slash = item.indexOf('/');
        String host = slash < 0 ? item : item.substring(0, slash);
        InetAddress address = IpLiteral.parse(host).orElseThrow(() -> new IllegalArgumentException(
                Redaction.value(item) + " is not an IPv4 or IPv6 prefix; expected e.g. 10.0.0.0/24 or fd00::/64"));
        int bits = IpLiteral.bits(address);
        int length = slash < 0 ? bits : InterfaceAddress.parsePrefixLength(item.substring(slash + 1), bits, item);
        Prefix prefix = new Prefix(address.getAddress(), length);
        if (!Arrays.equals(prefix.address(), address.getAddress())) {
            warn(n, ConfigKey.ALLOWED_IPS.canonical, item + " has host bits set; using " + prefix
                    + " (did you mean " + IpLiteral.format(address) + "/" + bits + "?)");
        }
        if (!prefix.isIpv4()) {
            anyIpv6AllowedIp = true;
        }
        if (peer.allowedIps.putIfAbsent(prefix, n) != null) {
            warn(n, ConfigKey.ALLOWED_IPS.canonical, prefix + " is listed twice for this peer; ignoring the repeat");
            return;
        }
        PeerDraft other = prefixOwners.put(prefix, peer);
        if (other != null) {
            warn(n, ConfigKey.ALLOWED_IPS.canonical, prefix + " is also in the [Peer] on line " + other.headerLine
                    + "; only the later peer gets it (as with the kernel), remove it from one of them");
        }
    }

    private void checkNotOwnKey(int n, WgKey peerKey) throws ConfigException {
        if (ownPublicKey != null && ownPublicKey.equals(peerKey)) {
            throw error(n, ConfigKey.PUBLIC_KEY, "is this interface's own public key (from the PrivateKey on line "
                    + interfaceKeyLines.get(ConfigKey.PRIVATE_KEY) + "); put the other side's public key here");
        }
    }

    private static WgKey parseKey(String value, String tool) {
        return WgKey.parseBase64(value).orElseThrow(() -> new IllegalArgumentException(
                "not a base64-encoded 32-byte key; expected 44 characters ending in '=', as printed by " + tool));
    }

    private static List<String> splitList(String value) {
        List<String> items = new ArrayList<>();
        for (String item : LIST_SEPARATOR.split(value)) {
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return items;
    }

    /** Decimal, no sign, at most {@code max}. */
    private static long parseNumber(String value, long max, String whatIsWrong) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(Redaction.value(value) + " " + whatIsWrong);
        }
        long parsed = Long.parseLong(value);
        if (parsed > max) {
            throw new IllegalArgumentException(Redaction.unquoted(value) + " "
                    + whatIsWrong.replaceFirst("^is not an? ", "is too large for a "));
        }
        return parsed;
    }

    /** As {@code wg}'s {@code parse_fwmark}: {@code off}, decimal, or {@code 0x} hex; u32. */
    private static long parseFwMark(String value) {
        String problem = "is not a firewall mark; use a 32-bit number (decimal or 0x hex), or 0/off for none";
        if (value.equalsIgnoreCase("off")) {
            return 0;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        boolean hex = lower.startsWith("0x");
        String digits = hex ? lower.substring(2) : lower;
        if (digits.isEmpty() || digits.length() > 10
                || !digits.chars().allMatch(c -> (c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException(Redaction.value(value) + " " + problem);
        }
        long mark = Long.parseLong(digits, hex ? 16 : 10);
        if (mark > InterfaceConfig.MAX_FWMARK) {
            throw new IllegalArgumentException(Redaction.unquoted(value) + " is larger than a 32-bit mark (max 0xffffffff)");
        }
        return mark;
    }

    private static boolean parseBoolean(String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(Redaction.value(value) + " is neither true nor false");
    }

    private ConfigException error(int line, ConfigKey key, String detail) {
        return new ConfigException(file, line, key.canonical, detail);
    }
}
