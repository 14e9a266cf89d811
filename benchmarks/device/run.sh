#!/bin/bash
# Multi-core scaling of one tunnel (one peer) on a lent machine: 1, 4 and 8 TCP flows (one iperf3 process each,
# 6 s, after a 4 s flow that warms the JIT up) from namespace A to namespace B through wireguard-go and through wgate, both ends on this machine. Made by
# make-bundle.sh, run from the bundle as root on the bare machine (the `device` tool: `bash .dev/run.sh`, carry
# `.dev`). Prints one `RESULT name flows=N mbit=M` line per point and a Markdown table; everything also goes to
# $OUT/log.txt with each gateway's log.
#
# VARIANTS (space-separated, in that order; default: veth wggo wgate-0 wgate-auto wgate-half):
#   veth        the bare veth between the namespaces: the ceiling (1 and 8 flows)
#   wggo        wireguard-go from bookworm-backports (TUN offloads) at both ends; wggo-2022: Debian's older one
#   wgate-N     wgate at both ends with N crypto workers (0: the event loop seals and opens itself)
#   wgate-auto  wgate's default: a worker per core, at both ends (both gateways share the machine's cores)
#   wgate-half  each end pinned to its half of the CPUs: A to the first, B to the second, the event loop on the
#               half's first CPU and a worker on each of the others (WGATE_CPUS, WGATE_CRYPTO_WORKERS)
# JOPTS: extra JVM options for wgate. Traffic stays in the two namespaces it creates (wgdsA, wgdsB: veth on
# 198.51.100.0/24, the tunnel on 172.16.91.0/24), which it removes at the end.
set -u
B=$(cd "$(dirname "$0")" && pwd)
O=${OUT:-/tmp/out}
mkdir -p "$O"
exec > >(tee "$O/log.txt") 2>&1
variants=${VARIANTS:-veth wggo wgate-0 wgate-auto wgate-half}
echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), Linux $(uname -r)"
echo "== wgate commit $(cat "$B/commit" 2>/dev/null), variants: $variants"
export PATH=$B/bin:$PATH LD_LIBRARY_PATH=$B/lib
[ -e /dev/net/tun ] || { mkdir -p /dev/net; mknod /dev/net/tun c 10 200 && chmod 666 /dev/net/tun; }
W=$(mktemp -d)
mkdir -p /var/run/wireguard /run/wgate
tar -C "$W" -xzf "$B/jre.tar.gz"
JAVA=$W/jre/bin/java
wgate() { "$JAVA" @"$B/jvm.options" ${JOPTS:-} -jar "$B/wgate.jar" "$@"; }

cleanup() {
    for ns in wgdsA wgdsB; do
        ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null
    done
    sleep 2
    for ns in wgdsA wgdsB; do
        ip netns pids $ns 2>/dev/null | xargs -r kill -9 2>/dev/null
        ip netns del $ns 2>/dev/null
    done
    rm -f /var/run/wireguard/wgdsa0.sock /var/run/wireguard/wgdsb0.sock
}
trap 'cleanup; rm -rf "$W"' EXIT
cleanup
ip netns add wgdsA && ip netns add wgdsB || { echo "RESULT no netns"; exit 1; }
ip -n wgdsA link set lo up
ip -n wgdsB link set lo up
ip link add wgdsa netns wgdsA type veth peer name wgdsb netns wgdsB || { echo "RESULT no veth"; exit 1; }
ip -n wgdsA addr add 198.51.100.1/24 dev wgdsa && ip -n wgdsA link set wgdsa up
ip -n wgdsB addr add 198.51.100.2/24 dev wgdsb && ip -n wgdsB link set wgdsb up

umask 077
wgate genkey > "$W/a.key" && wgate genkey > "$W/b.key"
wg pubkey < "$W/a.key" > "$W/a.pub" && wg pubkey < "$W/b.key" > "$W/b.pub"
conf() { # NAME KEY ADDRESS PEER_PUB PEER_ADDRESS ENDPOINT
    printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\nAddress = %s/24\nMTU = 1420\n\n[Peer]\nPublicKey = %s\nAllowedIPs = %s/32\nEndpoint = %s:51820\n' \
        "$(cat "$2")" "$3" "$(cat "$4")" "$5" "$6" > "$W/$1.conf"
}
conf wgdsa0 "$W/a.key" 172.16.91.1 "$W/b.pub" 172.16.91.2 198.51.100.2
conf wgdsb0 "$W/b.key" 172.16.91.2 "$W/a.pub" 172.16.91.1 198.51.100.1

servers() { for p in $(seq 5201 5208); do ip netns exec wgdsB iperf3 -s -p $p -D; done; sleep 0.5; }
flows() { # N DESTINATION: N iperf3 clients at once, one flow each; prints the receivers' Mbit/s summed
    local n=$1 i
    for i in $(seq "$n"); do
        ip netns exec wgdsA iperf3 -c "$2" -p $((5200 + i)) -t 6 -f m > "$W/c$i.txt" 2>&1 &
    done
    wait
    cat "$W"/c*.txt | grep receiver | awk '{for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") s += $(i - 1)} END {printf "%.0f", s}'
    rm -f "$W"/c*.txt
}
stop_daemons() { # everything but the namespaces
    for ns in wgdsA wgdsB; do ip netns pids $ns | xargs -r kill; done
    for k in $(seq 50); do
        [ -z "$(ip netns pids wgdsA)$(ip netns pids wgdsB)" ] && break
        sleep 0.2
    done
    rm -f /var/run/wireguard/wgdsa0.sock /var/run/wireguard/wgdsb0.sock
}
measure() { # NAME DESTINATION COUNTS...
    local name=$1 destination=$2 n
    shift 2
    ip netns exec wgdsA ping -c 3 -i 0.2 -W 2 "$destination" | tail -1
    ip netns exec wgdsA iperf3 -c "$destination" -p 5201 -t 4 > /dev/null 2>&1 # warm-up: the JIT, not measured
    for n in "$@"; do echo "RESULT $name flows=$n mbit=$(flows "$n" "$destination")"; done
}
start_wggo() { # BINARY
    local s ns dev address
    for s in "wgdsA wgdsa0 172.16.91.1" "wgdsB wgdsb0 172.16.91.2"; do
        read -r ns dev address <<< "$s"
        ip netns exec $ns env WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 "$1" -f $dev > "$O/$dev.$1.log" 2>&1 &
        for k in $(seq 50); do [ -S /var/run/wireguard/$dev.sock ] && break; sleep 0.1; done
        grep -vE '^(Address|MTU) ' "$W/$dev.conf" > "$W/$dev.wg"
        ip netns exec $ns wg setconf $dev "$W/$dev.wg"
        ip -n $ns addr add $address/24 dev $dev
        ip -n $ns link set $dev mtu 1420 up
    done
}
start_wgate() { # WORKERS_A CPUS_A WORKERS_B CPUS_B (CPUS empty: not pinned)
    local s ns dev workers list log
    for s in "wgdsA wgdsa0 $1 ${2:--}" "wgdsB wgdsb0 $3 ${4:--}"; do
        read -r ns dev workers list <<< "$s"
        [ "$list" = - ] && list=
        log=$O/$dev.$variant.log
        ip netns exec $ns env WGATE_CRYPTO_WORKERS=$workers ${list:+WGATE_CPUS=$list} \
            "$JAVA" @"$B/jvm.options" ${JOPTS:-} -jar "$B/wgate.jar" up "$W/$dev.conf" --foreground > "$log" 2>&1 &
    done
    for k in $(seq 150); do # up and serving: the "NAME: up (wgate ...)" line in both logs
        [ "$(grep -l ': up (wgate' "$O/wgdsa0.$variant.log" "$O/wgdsb0.$variant.log" 2>/dev/null | wc -l)" = 2 ] && break
        sleep 0.2
    done
    grep -h -m1 -E 'crypto workers|sealing and opening' "$O/wgdsa0.$variant.log" | sed 's/^.*Gateway: /  A: /'
}

ncpu=$(nproc)
half=$((ncpu / 2))
tunnel=172.16.91.2
for variant in $variants; do
    echo "== $variant"
    case $variant in
        veth) servers; measure veth 198.51.100.2 1 8 ;;
        wggo) servers; start_wggo wireguard-go; measure wireguard-go $tunnel 1 4 8 ;;
        wggo-2022) servers; start_wggo wireguard-go-2022; measure wireguard-go-2022 $tunnel 1 4 8 ;;
        wgate-auto) servers; start_wgate auto "" auto ""; measure "$variant" $tunnel 1 4 8 ;;
        wgate-half) servers; start_wgate $((half - 1)) "0-$((half - 1))" $((half - 1)) "$half-$((ncpu - 1))"
            measure "$variant" $tunnel 1 4 8 ;;
        wgate-*) servers; start_wgate "${variant#wgate-}" "" "${variant#wgate-}" ""; measure "$variant" $tunnel 1 4 8 ;;
        *) echo "unknown variant $variant" ;;
    esac
    stop_daemons
done
echo
echo "| $(nproc) CPUs, Mbit/s | 1 flow | 4 flows | 8 flows |"
echo "|---|---:|---:|---:|"
grep '^RESULT' "$O/log.txt" | awk '{split($3, f, "="); split($4, m, "="); v[$2, f[2]] = m[2]; if (!($2 in seen)) {seen[$2] = 1; order[++n] = $2}}
    END {for (i = 1; i <= n; i++) {k = order[i]; printf "| %s | %s | %s | %s |\n", k, v[k, 1], ((k, 4) in v) ? v[k, 4] : "-", v[k, 8]}}'
