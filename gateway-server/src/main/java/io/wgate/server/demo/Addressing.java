package io.wgate.server.demo;

/**
 * The address plan of the two-office network. The offices' LANs are private ranges; everything on the
 * simulated Internet uses the documentation ranges of RFC 5737 (198.51.100.0/24, 203.0.113.0/24 and,
 * for the Satellite's roaming address, 192.0.2.0/24), so no packet could ever mean a real host. Networks
 * built with IPv6 ({@link Topology#create(Shell, SiteNames, boolean)}) add unique local prefixes
 * (RFC 4193, {@code fd00::/8}) to the LANs and the tunnel; the simulated Internet stays IPv4.
 */
public final class Addressing {

    /** Main Office LAN. */
    public static final String MAIN_LAN = "10.10.10.0/24";
    /** Main Office gateway on its LAN. */
    public static final String MAIN_LAN_GATEWAY = "10.10.10.1";
    /** Host A, on the Main Office LAN. */
    public static final String HOST_A = "10.10.10.2";

    /** Satellite Office LAN. */
    public static final String SATELLITE_LAN = "192.168.1.0/24";
    /** Satellite Office gateway on its LAN. */
    public static final String SATELLITE_LAN_GATEWAY = "192.168.1.1";
    /** Host B, on the Satellite Office LAN. */
    public static final String HOST_B = "192.168.1.2";

    /** Tunnel network and the two tunnel addresses. */
    public static final String TUNNEL_NET = "172.16.1.0/24";
    public static final String MAIN_TUNNEL = "172.16.1.1";
    public static final String SATELLITE_TUNNEL = "172.16.1.2";
    public static final int TUNNEL_PREFIX_LENGTH = 24;
    public static final int TUNNEL_MTU = 1420;
    public static final int LISTEN_PORT = 51820;

    /** The Main Office gateway's public (WAN) address and its upstream router. */
    public static final String MAIN_WAN = "198.51.100.2";
    public static final String MAIN_WAN_ROUTER = "198.51.100.1";
    /** The Satellite Office gateway's public (WAN) address and its upstream router. */
    public static final String SATELLITE_WAN = "203.0.113.2";
    public static final String SATELLITE_WAN_ROUTER = "203.0.113.1";
    /** Where the Satellite moves when it roams, and the router address on that network. */
    public static final String SATELLITE_ROAMED_WAN = "192.0.2.2";
    public static final String SATELLITE_ROAMED_ROUTER = "192.0.2.1";
    /** Main Office LAN, IPv6 (unique local), its gateway and Host A on it. */
    public static final String MAIN_LAN_V6 = "fd00:a::/64";
    public static final String MAIN_LAN_GATEWAY_V6 = "fd00:a::1";
    public static final String HOST_A_V6 = "fd00:a::2";
    /** Satellite Office LAN, IPv6 (unique local), its gateway and Host B on it. */
    public static final String SATELLITE_LAN_V6 = "fd00:b::/64";
    public static final String SATELLITE_LAN_GATEWAY_V6 = "fd00:b::1";
    public static final String HOST_B_V6 = "fd00:b::2";
    /** Tunnel network, IPv6 (unique local), and the two tunnel addresses. */
    public static final String TUNNEL_NET_V6 = "fd00:c::/64";
    public static final String MAIN_TUNNEL_V6 = "fd00:c::1";
    public static final String SATELLITE_TUNNEL_V6 = "fd00:c::2";
    /** Prefix length of every IPv6 network (LANs and tunnel). */
    public static final int PREFIX_LENGTH_V6 = 64;

    /** Prefix length of every LAN and WAN link. */
    public static final int LINK_PREFIX_LENGTH = 24;

    private Addressing() {
    }

    /** {@code address/24}. */
    static String onLink(String address) {
        return address + "/" + LINK_PREFIX_LENGTH;
    }

    /** {@code address/64}. */
    static String onLinkV6(String address) {
        return address + "/" + PREFIX_LENGTH_V6;
    }
}
