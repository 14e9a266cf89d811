#!/usr/bin/env bash
# End-to-end tunnel throughput, wgate against wireguard-go, measured the way baseline.md describes:
# two network namespaces joined by a veth pair (198.51.100.1/24 and .2/24), one tunnel interface in each
# (172.16.1.1/24 and .2/24, MTU 1420, UDP 51820), iperf3 through the tunnel (one TCP stream, 10 s),
# ping RTT and daemon CPU time. Implementations alternate (A B A B ...) so their ratio is measured under
# the same machine conditions. Needs root, iproute2, iperf3, ping, wireguard-tools and wireguard-go.
#
#   sudo benchmarks/netns/throughput.sh [rounds] [seconds]      (defaults: 2 rounds of 10 s)
#
# Traffic stays inside the two namespaces this script creates; both are removed on exit.
set -euo pipefail

rounds=${1:-2}
seconds=${2:-10}
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
tag="wgb$$"
ns_a="$tag-a"
ns_b="$tag-b"
if_a="${tag}a"
if_b="${tag}b"
work=$(mktemp -d)
wgate=("$root/wgate")

cleanup() {
    set +e
    for ns in "$ns_a" "$ns_b"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
    done
    sleep 1
    ip netns del "$ns_a" 2>/dev/null
    ip netns del "$ns_b" 2>/dev/null
    rm -f "/var/run/wireguard/$if_a.sock" "/var/run/wireguard/$if_b.sock" /run/wgate/"$if_a".* /run/wgate/"$if_b".*
    rm -rf "$work"
}
trap cleanup EXIT

for tool in ip iperf3 ping wg wireguard-go; do
    command -v "$tool" >/dev/null || { echo "throughput.sh: $tool is not installed" >&2; exit 1; }
done
[[ $(id -u) -eq 0 ]] || { echo "throughput.sh: run as root (network namespaces)" >&2; exit 1; }
"${wgate[@]}" help >/dev/null # builds the jar if needed

ip netns add "$ns_a"
ip netns add "$ns_b"
ip link add "${tag}va" type veth peer name "${tag}vb"
ip link set "${tag}va" netns "$ns_a"
ip link set "${tag}vb" netns "$ns_b"
ip -n "$ns_a" addr add 198.51.100.1/24 dev "${tag}va"
ip -n "$ns_b" addr add 198.51.100.2/24 dev "${tag}vb"
for ns in "$ns_a" "$ns_b"; do
    ip -n "$ns" link set lo up
done
ip -n "$ns_a" link set "${tag}va" up
ip -n "$ns_b" link set "${tag}vb" up

key_a=$("${wgate[@]}" genkey)
key_b=$("${wgate[@]}" genkey)
pub_a=$(echo "$key_a" | "${wgate[@]}" pubkey)
pub_b=$(echo "$key_b" | "${wgate[@]}" pubkey)
umask 077
write_conf() { # file privkey addr peerpub allowed endpoint   (addr empty: a `wg setconf` file)
    {
        echo "[Interface]"
        echo "PrivateKey = $2"
        if [[ -n "$3" ]]; then
            echo "Address = $3"
            echo "MTU = 1420"
        fi
        echo "ListenPort = 51820"
        echo "[Peer]"
        echo "PublicKey = $4"
        echo "AllowedIPs = $5"
        if [[ -n "$6" ]]; then
            echo "Endpoint = $6"
        fi
    } > "$1"
}
write_conf "$work/$if_a.conf" "$key_a" 172.16.1.1/24 "$pub_b" 172.16.1.2/32 198.51.100.2:51820
write_conf "$work/$if_b.conf" "$key_b" 172.16.1.2/24 "$pub_a" 172.16.1.1/32 ""
write_conf "$work/$if_a.wg" "$key_a" "" "$pub_b" 172.16.1.2/32 198.51.100.2:51820
write_conf "$work/$if_b.wg" "$key_b" "" "$pub_a" 172.16.1.1/32 ""

start() { # impl ns if address
    local impl=$1 ns=$2 ifname=$3 address=$4
    if [[ $impl == wgate ]]; then
        ip netns exec "$ns" "${wgate[@]}" up "$work/$ifname.conf" >/dev/null
        cat "/run/wgate/$ifname.pid"
    else
        ip netns exec "$ns" env WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 LOG_LEVEL=error \
            wireguard-go -f "$ifname" >/dev/null 2>&1 &
        local pid=$!
        for _ in $(seq 100); do [[ -S /var/run/wireguard/$ifname.sock ]] && break; sleep 0.05; done
        ip netns exec "$ns" wg setconf "$ifname" "$work/$ifname.wg"
        ip -n "$ns" addr add "$address" dev "$ifname"
        ip -n "$ns" link set "$ifname" mtu 1420 up
        echo "$pid"
    fi
}
stop() { # impl ns if pid
    if [[ $1 == wgate ]]; then
        ip netns exec "$2" "${wgate[@]}" down "$3" >/dev/null
    else
        kill "$4" 2>/dev/null; wait "$4" 2>/dev/null || true
    fi
}
cpu_seconds() { # pid -> utime+stime in seconds
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

printf '| implementation | round | TCP Mbit/s | retransmits | ping avg ms | CPU s (A+B) |\n|---|---:|---:|---:|---:|---:|\n'
for round in $(seq "$rounds"); do
    for impl in wgate wireguard-go; do
        pid_b=$(start "$impl" "$ns_b" "$if_b" 172.16.1.2/24)
        pid_a=$(start "$impl" "$ns_a" "$if_a" 172.16.1.1/24)
        ip netns exec "$ns_a" ping -c 3 -W 2 172.16.1.2 >/dev/null # handshake, warm-up
        cpu_before=$(awk -v a="$(cpu_seconds "$pid_a")" -v b="$(cpu_seconds "$pid_b")" 'BEGIN { print a + b }')
        ip netns exec "$ns_b" iperf3 -s -1 -D >/dev/null
        sleep 0.3
        result=$(ip netns exec "$ns_a" iperf3 -c 172.16.1.2 -t "$seconds" -J)
        cpu_after=$(awk -v a="$(cpu_seconds "$pid_a")" -v b="$(cpu_seconds "$pid_b")" 'BEGIN { print a + b }')
        bits=$(echo "$result" | tr -d '[:space:]' | sed -n 's/.*"sum_received":{[^}]*"bits_per_second":\([0-9.e+]*\).*/\1/p')
        retrans=$(echo "$result" | tr -d '[:space:]' | sed -n 's/.*"sum_sent":{[^}]*"retransmits":\([0-9]*\).*/\1/p')
        rtt=$(ip netns exec "$ns_a" ping -c 20 -i 0.05 -q 172.16.1.2 | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
        printf '| %s | %d | %.0f | %s | %s | %.1f |\n' "$impl" "$round" \
            "$(awk -v b="${bits:-0}" 'BEGIN { print b / 1e6 }')" "${retrans:-?}" "${rtt:-?}" \
            "$(awk -v a="$cpu_after" -v b="$cpu_before" 'BEGIN { print a - b }')"
        stop "$impl" "$ns_a" "$if_a" "$pid_a"
        stop "$impl" "$ns_b" "$if_b" "$pid_b"
        sleep 1
    done
done
echo
echo "machine: $(nproc) CPU, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
echo "wireguard-go: $(wireguard-go --version 2>/dev/null | head -1)"
