# Sourced by the namespace scripts (bench.sh, footprint.sh, ../soak/soak.sh): the simulated Internet link they share,
# and the configuration of the tunnel's two ends across it.
#
#   link_pair NS_A NS_B VETH_A VETH_B
#
# Creates network namespaces NS_A and NS_B joined by a veth pair (VETH_A in NS_A with 198.51.100.1/24, VETH_B in NS_B
# with 198.51.100.2/24, a documentation range), with loopback and both ends up. The caller removes the namespaces.
link_pair() {
    local ns_a=$1 ns_b=$2 veth_a=$3 veth_b=$4 ns
    ip netns add "$ns_a"
    ip netns add "$ns_b"
    ip link add "$veth_a" type veth peer name "$veth_b"
    ip link set "$veth_a" netns "$ns_a"
    ip link set "$veth_b" netns "$ns_b"
    ip -n "$ns_a" addr add 198.51.100.1/24 dev "$veth_a"
    ip -n "$ns_b" addr add 198.51.100.2/24 dev "$veth_b"
    for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
    ip -n "$ns_a" link set "$veth_a" up
    ip -n "$ns_b" link set "$veth_b" up
}

#   write_conf FILE PRIVATE_KEY ADDRESS PEER_PUBLIC_KEY ALLOWED_IPS ENDPOINT
#
# Writes one end's configuration, listening on 51820: a wg-quick file with Address and MTU 1420 (the link's 1500 less
# WireGuard's 80), or, with ADDRESS empty, a `wg setconf` file. ENDPOINT may be empty (the end that waits).
write_conf() {
    {
        echo "[Interface]"
        echo "PrivateKey = $2"
        if [[ -n $3 ]]; then
            echo "Address = $3"
            echo "MTU = 1420"
        fi
        echo "ListenPort = 51820"
        echo "[Peer]"
        echo "PublicKey = $4"
        echo "AllowedIPs = $5"
        [[ -z $6 ]] || echo "Endpoint = $6"
    } >"$1"
}
