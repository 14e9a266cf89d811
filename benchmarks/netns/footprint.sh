#!/usr/bin/env bash
# Footprint benchmark (issue "Deployment"): the memory a gateway holds and the time a short command takes, for the
# installed wgate (the layout of the .deb and the container image) against wireguard-go in the same run.
#
#   sudo benchmarks/netns/footprint.sh [--wgate PATH] [--wireguard-go PATH] [--seconds N] [--rounds N]
#
# For each daemon in turn (wgate, then wireguard-go, --rounds times): two network namespaces joined by a veth pair
# (198.51.100.1/24 and .2/24), the daemon in both with one tunnel (172.16.1.1/24 and .2/24), then
#   idle    VmRSS of each daemon (/proc/PID/status) 10 s after the tunnel answered its first ping;
#   stream  the largest VmRSS of each, sampled every 0.2 s while one iperf3 TCP stream runs through the tunnel at
#           full speed for --seconds (default 10), and the Mbit/s it reached;
#   after   VmRSS 5 s after the stream ended.
# Then `wgate genkey` and `wgate --version`: wall time of each, median of 21 runs (and the user+sys CPU), the figure
# a shell script or a health check pays per call.
#
# --wgate PATH: the wgate command to measure (default: the installed layout made by deploy/package/stage.sh in a
# temporary directory, with the JDK in JAVA_HOME or /usr/lib/jvm/temurin-25*; pass ./wgate for the checkout's
# launcher). --wireguard-go PATH: default the one on PATH (the bookworm-backports build is the reference; see
# bench.sh --help). Needs root, iproute2, iperf3, wireguard-tools, wireguard-go. Traffic stays in the namespaces it
# creates (fp<pid>-a/-b), removed on exit. Prints a Markdown table; figures from a busy machine are not results.
set -euo pipefail

me=footprint.sh
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=/dev/null
source "$here/link-pair.sh"
die() { echo "$me: $*" >&2; exit 1; }
say() { echo "$me: $*" >&2; }

wgate=""
wggo=${WIREGUARD_GO:-}
seconds=10
rounds=1
while (($#)); do
    case $1 in
        --wgate) wgate=${2:?}; shift 2 ;;
        --wireguard-go) wggo=${2:?}; shift 2 ;;
        --seconds) seconds=${2:?}; shift 2 ;;
        --rounds) rounds=${2:?}; shift 2 ;;
        -h | --help) awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
{ [[ $seconds =~ ^[0-9]+$ ]] && ((seconds >= 3)); } || die "--seconds: '$seconds' is not a whole number of at least 3"
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds: '$rounds' is not a positive whole number"
[[ $(id -u) -eq 0 ]] || die "run as root (it creates network namespaces)"
for tool in ip iperf3 ping wg; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
[[ -n $wggo ]] || wggo=$(command -v wireguard-go) || die "wireguard-go is not installed (or pass --wireguard-go)"

tag="fp$$"
ns_a="$tag-a" ns_b="$tag-b" if_a="${tag}a" if_b="${tag}b"
work=$(mktemp -d)
run_dir=$work/run
cleanup() {
    local rc=$? pids=() ns
    set +e
    trap - EXIT INT TERM
    for ns in "$ns_a" "$ns_b"; do mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null); done
    ((${#pids[@]})) && kill -TERM "${pids[@]}" 2>/dev/null && sleep 2 && kill -KILL "${pids[@]}" 2>/dev/null
    ip netns del "$ns_a" 2>/dev/null
    ip netns del "$ns_b" 2>/dev/null
    rm -f "/var/run/wireguard/$if_a.sock" "/var/run/wireguard/$if_b.sock"
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z $wgate ]]; then
    if [[ -z ${JAVA_HOME:-} ]]; then
        for j in /usr/lib/jvm/temurin-25*; do [[ -x $j/bin/jlink ]] && export JAVA_HOME=$j && break; done
    fi
    say "staging the installed layout (deploy/package/stage.sh)"
    "$root/deploy/package/stage.sh" "$work/stage" || die "stage.sh failed"
    wgate=$work/stage/usr/bin/wgate
fi
[[ -x $wgate ]] || die "--wgate: '$wgate' is not executable"
"$wgate" --version >/dev/null || die "'$wgate --version' failed"

link_pair "$ns_a" "$ns_b" "${tag}va" "${tag}vb"

key_a=$("$wgate" genkey) key_b=$("$wgate" genkey)
pub_a=$("$wgate" pubkey <<<"$key_a") pub_b=$("$wgate" pubkey <<<"$key_b")
(
    umask 077
    write_conf "$work/$if_a.conf" "$key_a" 172.16.1.1/24 "$pub_b" 172.16.1.2/32 198.51.100.2:51820
    write_conf "$work/$if_b.conf" "$key_b" 172.16.1.2/24 "$pub_a" 172.16.1.1/32 ""
    write_conf "$work/$if_a.wg" "$key_a" "" "$pub_b" 172.16.1.2/32 198.51.100.2:51820
    write_conf "$work/$if_b.wg" "$key_b" "" "$pub_a" 172.16.1.1/32 ""
)

start() { # impl ns if address -> prints the daemon's pid
    local impl=$1 ns=$2 ifname=$3
    if [[ $impl == wgate ]]; then
        ip netns exec "$ns" env WGATE_RUN_DIR="$run_dir" "$wgate" up "$work/$ifname.conf" >"$work/$ifname.out" 2>&1 ||
            { cat "$work/$ifname.out" "$run_dir/$ifname.log" >&2 2>/dev/null; die "wgate up $ifname failed"; }
        cat "$run_dir/$ifname.pid"
    else
        ip netns exec "$ns" env WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 LOG_LEVEL=error \
            "$wggo" -f "$ifname" >>"$work/$ifname.wggo.log" 2>&1 &
        local pid=$! _
        for _ in $(seq 100); do [[ -S /var/run/wireguard/$ifname.sock ]] && break; sleep 0.05; done
        ip netns exec "$ns" wg setconf "$ifname" "$work/$ifname.wg"
        ip -n "$ns" addr add "$4" dev "$ifname"
        ip -n "$ns" link set "$ifname" mtu 1420 up
        echo "$pid"
    fi
}
stop() { # impl ns if pid
    if [[ $1 == wgate ]]; then
        ip netns exec "$2" env WGATE_RUN_DIR="$run_dir" "$wgate" down "$3" >/dev/null 2>&1 || say "WARNING: wgate down $3 failed"
    else
        kill -TERM "$4" 2>/dev/null || true
    fi
    local _
    for _ in $(seq 100); do kill -0 "$4" 2>/dev/null || break; sleep 0.1; done
    wait "$4" 2>/dev/null || true
    rm -f "/var/run/wireguard/$3.sock"
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

rows=()
for round in $(seq "$rounds"); do
    for impl in wgate wireguard-go; do
        say "round $round, $impl"
        pid_b=$(start "$impl" "$ns_b" "$if_b" 172.16.1.2/24)
        pid_a=$(start "$impl" "$ns_a" "$if_a" 172.16.1.1/24)
        deadline=$((SECONDS + 20))
        until ip netns exec "$ns_a" ping -c 1 -W 1 -q 172.16.1.2 >/dev/null 2>&1; do
            ((SECONDS < deadline)) || die "$impl: no answer through the tunnel within 20 s"
        done
        sleep 10
        idle_a=$(rss_kib "$pid_a") idle_b=$(rss_kib "$pid_b")
        ip netns exec "$ns_b" iperf3 -s -1 >/dev/null 2>&1 &
        server=$!
        sleep 0.5
        ip netns exec "$ns_a" iperf3 -c 172.16.1.2 -t "$seconds" -J >"$work/iperf3.json" 2>&1 &
        client=$!
        max_a=0 max_b=0
        while kill -0 "$client" 2>/dev/null; do
            r=$(rss_kib "$pid_a"); ((r > max_a)) && max_a=$r
            r=$(rss_kib "$pid_b"); ((r > max_b)) && max_b=$r
            sleep 0.2
        done
        wait "$client" || say "WARNING: iperf3 failed: $(head -c 300 "$work/iperf3.json")"
        wait "$server" 2>/dev/null || true
        mbps=$(awk '/"sum_received"/ { f = 1 } f && /"bits_per_second"/ {
            sub(/.*"bits_per_second":[ \t]*/, ""); sub(/[ \t,}].*/, ""); printf "%.0f", $0 / 1e6; exit }' "$work/iperf3.json")
        sleep 5
        after_a=$(rss_kib "$pid_a") after_b=$(rss_kib "$pid_b")
        rows+=("| $round | $impl | $(mib "$idle_a") / $(mib "$idle_b") | $(mib "$max_a") / $(mib "$max_b") | ${mbps:-n/a} | $(mib "$after_a") / $(mib "$after_b") |")
        say "  idle $(mib "$idle_a") / $(mib "$idle_b") MiB, stream max $(mib "$max_a") / $(mib "$max_b") MiB at ${mbps:-?} Mbit/s, after $(mib "$after_a") / $(mib "$after_b") MiB"
        stop "$impl" "$ns_a" "$if_a" "$pid_a"
        stop "$impl" "$ns_b" "$if_b" "$pid_b"
        sleep 1
    done
done

timing() { # command words...: "median wall s (median user+sys s)" of 21 runs
    local _
    for _ in $(seq 21); do
        /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" </dev/null >/dev/null 2>&1 || true
        tail -n 1 "$work/time"
    done >"$work/times"
    printf '%s s (CPU %s s)' "$(median 1 <"$work/times")" "$(awk '{ printf "%.2f\n", $2 + $3 }' "$work/times" | median 1)"
}
median() { # column: the median of that column of stdin's lines
    awk -v c="$1" '{ print $c }' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
command -v /usr/bin/time >/dev/null 2>&1 || die "/usr/bin/time is not installed (package time)"
genkey=$(timing "$wgate" genkey)
version=$(timing "$wgate" --version)

echo "RSS in MiB, side A (sends the stream) / side B; one TCP stream for ${seconds} s; $(nproc) CPUs, $(uname -r)"
echo
echo "| round | daemon | idle | under one stream (max) | Mbit/s | 5 s after |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "wgate genkey: $genkey; wgate --version: $version (median of 21, $wgate)"
