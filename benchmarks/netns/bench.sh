#!/usr/bin/env bash
# End-to-end benchmark: wgate and wireguard-go through real tunnels, the method of baseline.md. Two network
# namespaces joined by a veth pair (198.51.100.1/24 and .2/24), one tunnel interface in each (172.16.1.1/24
# and .2/24, MTU 1420, UDP 51820), iperf3 and ping through the tunnel.
#
#   sudo benchmarks/netns/bench.sh [options]
#
# Pairs (namespace A runs the iperf3 client and sends the bulk data, namespace B receives it):
#   wgate   wgate in A and in B
#   wggo    wireguard-go in A and in B
#   mixed   wgate in A (it encrypts the bulk traffic), wireguard-go in B
# Each round brings up every selected pair in turn, runs the tests and takes the pair down again, so the
# pairs alternate (A B C A B C ...) and their ratio is measured under the same machine conditions.
#
# Tests, in this order for each pair, after the handshake and an unrecorded warm-up (one TCP stream, then
# 500 pings per warm-up second at 2 ms: a JIT-compiled daemon has then seen small packets as well as bulk):
#   ping    RTT on the idle tunnel: ping -c 200 -i 0.015 (median, p90, avg, min, max). When tcp1 runs too, the same
#           ping also runs during tcp1, from 1 s after its start until 1 s before its end: RTT under load.
#   tcp1    iperf3, one TCP stream: receiver Mbit/s (end.sum_received), retransmits (end.sum_sent).
#   tcp4    iperf3 -P 4: the same figures.
#   udp     iperf3 -u -l 1380 -b RATE: receiver Mbit/s, lost/total packets and loss % as the iperf3 server
#           counted them (end.sum_received), and the rate the client managed to send (end.sum_sent).
#   flood   tcp1 again, while a handshake flood hits B's port (issue "Hostile input"): wgate's HandshakeFlooder
#           (in wgate.jar) runs in namespace A for the whole test and sends FLOOD_RATE datagrams a second, three
#           quarters of them initiations with a valid mac1 for B's key, from random spoofed sources (raw socket)
#           in 198.51.100.0/24 (on B's link: B's cookie replies wait for neighbour resolution that never answers)
#           and 192.0.2.0/24 (off-link). Records Mbit/s, retransmits, the datagrams the flooder sent, and a ping
#           (-i 0.05) through the tunnel alongside: its loss and average. The summary gives flood/tcp1, the
#           share of its unflooded throughput each pair kept, and flood Mbit/s against wggo.
# For tcp1, tcp4 and udp: CPU seconds per GB (10^9 bytes the iperf3 server received) for each daemon,
# side A and side B apart, from utime+stime in /proc/PID/stat (the whole process, all its threads).
#
# Options (each also as an environment variable; a flag wins over the variable):
#   -r, --rounds N           BENCH_ROUNDS    rounds (default 2)
#   -t, --seconds N          BENCH_SECONDS   seconds per test, at least 3 (default 10)
#   -p, --pairs LIST         BENCH_PAIRS     comma-separated, run in that order (default wgate,wggo,mixed)
#   -T, --tests LIST         BENCH_TESTS     comma-separated subset of tcp1,tcp4,udp,ping (default all)
#   -u, --udp-rate RATE      BENCH_UDP_RATE  offered UDP rate, iperf3 -b (default 1G)
#   -f, --flood-rate N       BENCH_FLOOD_RATE datagrams per second of the flood test (default 200000: more than
#                                            this machine sends, so the flooder goes as fast as it can; the
#                                            rate it reached is recorded)
#   -w, --warmup N           BENCH_WARMUP    seconds of unrecorded TCP (and N * 500 pings) before each
#                                            pair's tests, 0 for none (default 8: the JVM's JIT compiles
#                                            wgate's data path in the first seconds of traffic)
#   -o, --out FILE           BENCH_OUT       the JSON file (default benchmarks/netns/results/
#                                            bench-<UTC time>.json); the Markdown goes beside it (.md)
#   -g, --wireguard-go PATH  WIREGUARD_GO    the wireguard-go binary (default: wireguard-go on PATH)
#   -e, --wgate-env 'V=x'    WGATE_ENV       environment for every `wgate up`, whitespace-separated
#                                            VAR=value words, quoted as in the shell, for example
#                                            WGATE_ENV='WGATE_JAVA_OPTS="-Dwgate.tun.offload=true -Xmx256m"'
#                                            (recorded in the JSON). WGATE_RUN_DIR there is honoured;
#                                            otherwise the gateways keep their run files in a temporary
#                                            directory of this script's.
#   -h, --help               this text
#
# Output: progress on stderr; on stdout a Markdown table per test (rows: pair and round) and a summary of
# the medians per pair with the ratios wgate/wggo and mixed/wggo; the JSON file holds every measurement,
# the medians, the parameters and the machine (nproc, CPU, kernel, the JDK wgate ran on, wireguard-go and
# iperf3 versions, wgate commit). Exit status 1 when a test failed (its figures are null in the JSON).
#
# wireguard-go: compare against the bookworm-backports build (0.0.20231211, which reports v0.0.20230223; it
# has the TUN offloads). The script prints the version it uses and warns when it is older. To get that build
# without installing it, as root:
#   echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list
#   apt-get update
#   apt-get download -t bookworm-backports wireguard-go && dpkg-deb -x wireguard-go_*.deb DIR
# then run with WIREGUARD_GO=DIR/usr/bin/wireguard-go (or --wireguard-go DIR/usr/bin/wireguard-go).
#
# Needs root, iproute2 (ip, ss), iperf3, iputils-ping, coreutils, awk; for the wggo and mixed pairs
# wireguard-tools (wg) and wireguard-go; a JDK 25 for ./wgate (built on first use, before any timing).
# Traffic stays inside the two namespaces this script creates, with names of its own (wgb<pid>); the
# namespaces, the daemons, iperf3 and the UAPI sockets are removed on exit, on failure and on Ctrl-C.
# Figures from a busy or shared machine are not results: record them with the machine in
# benchmarks/README.md, and compare ratios from one run only.
set -euo pipefail

me=bench.sh
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=/dev/null
source "$here/link-pair.sh"

usage() { awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }
die() { echo "$me: $*" >&2; exit 1; }
say() { echo "$me: $*" >&2; }

rounds=${BENCH_ROUNDS:-2}
test_seconds=${BENCH_SECONDS:-10}
pairs=${BENCH_PAIRS:-wgate,wggo,mixed}
tests=${BENCH_TESTS:-tcp1,tcp4,udp,ping}
udp_rate=${BENCH_UDP_RATE:-1G}
flood_rate=${BENCH_FLOOD_RATE:-200000}
flood_sources=198.51.100.0/24,192.0.2.0/24
warmup=${BENCH_WARMUP:-8}
out=${BENCH_OUT:-}
wggo=${WIREGUARD_GO:-}
wgate_env=${WGATE_ENV:-}

while (($#)); do
    opt=$1
    case $opt in
        -h | --help) usage; exit 0 ;;
        --*=*) val=${opt#*=}; opt=${opt%%=*}; shift ;;
        -*) (($# >= 2)) || die "$opt needs a value (see --help)"; val=$2; shift 2 ;;
        *) die "unexpected argument '$opt' (see --help)" ;;
    esac
    case $opt in
        -r | --rounds) rounds=$val ;;
        -t | --seconds) test_seconds=$val ;;
        -p | --pairs) pairs=$val ;;
        -T | --tests) tests=$val ;;
        -u | --udp-rate) udp_rate=$val ;;
        -f | --flood-rate) flood_rate=$val ;;
        -w | --warmup) warmup=$val ;;
        -o | --out) out=$val ;;
        -g | --wireguard-go) wggo=$val ;;
        -e | --wgate-env) wgate_env=$val ;;
        *) die "unknown option $opt (see --help)" ;;
    esac
done

[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "rounds: '$rounds' is not a positive whole number"
[[ $test_seconds =~ ^[0-9]+$ ]] && ((test_seconds >= 3)) || die "seconds: '$test_seconds' is not a whole number of at least 3"
[[ $warmup =~ ^[0-9]+$ ]] || die "warmup: '$warmup' is not a whole number of seconds"
[[ $udp_rate =~ ^[0-9]+(\.[0-9]+)?[KMGkmg]?$ ]] || die "udp-rate: '$udp_rate' is not an iperf3 rate such as 500M or 1G"
[[ $flood_rate =~ ^[1-9][0-9]*$ ]] || die "flood-rate: '$flood_rate' is not a positive whole number of datagrams a second"
IFS=, read -ra pair_list <<<"$pairs"
IFS=, read -ra test_list <<<"$tests"
((${#pair_list[@]})) || die "pairs: none selected"
((${#test_list[@]})) || die "tests: none selected"
declare -A seen=()
for p in "${pair_list[@]}"; do
    [[ $p == wgate || $p == wggo || $p == mixed ]] || die "pairs: '$p' is not one of wgate, wggo, mixed"
    [[ -z ${seen[p:$p]:-} ]] || die "pairs: '$p' appears twice"
    seen[p:$p]=1
done
for t in "${test_list[@]}"; do
    [[ $t == tcp1 || $t == tcp4 || $t == udp || $t == ping || $t == flood ]] || die "tests: '$t' is not one of tcp1, tcp4, udp, ping, flood"
    seen[t:$t]=1
done
selected() { [[ -n ${seen[t:$1]:-} ]]; }
needs_wggo=""
[[ -n ${seen[p:wggo]:-} || -n ${seen[p:mixed]:-} ]] && needs_wggo=1
needs_wgate=""
[[ -n ${seen[p:wgate]:-} || -n ${seen[p:mixed]:-} ]] && needs_wgate=1

# WGATE_ENV: shell-style words (xargs does the quoting, nothing is executed), each VAR=value.
wgate_env_words=()
if [[ -n $wgate_env ]]; then
    words=$(printf '%s' "$wgate_env" | xargs -r printf '%s\n') || die "WGATE_ENV: cannot split '$wgate_env' into words (unbalanced quotes?)"
    [[ -z $words ]] || mapfile -t wgate_env_words <<<"$words"
fi
wgate_run_dir=""
for w in "${wgate_env_words[@]}"; do
    [[ $w =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "WGATE_ENV: '$w' is not VAR=value"
    [[ $w == WGATE_RUN_DIR=* ]] && wgate_run_dir=${w#WGATE_RUN_DIR=}
done

# Prerequisites.
[[ $(id -u) -eq 0 ]] || die "run as root (it creates network namespaces)"
for tool in ip ss iperf3 ping timeout xargs awk sed grep getconf mktemp; do
    command -v "$tool" >/dev/null || die "$tool is not installed (iproute2, iperf3, iputils-ping, coreutils, findutils)"
done
wggo_version="" wggo_old=false
if [[ -n $needs_wggo ]]; then
    command -v wg >/dev/null || die "wg is not installed (wireguard-tools), needed for the wggo and mixed pairs"
    if [[ -z $wggo ]]; then
        wggo=$(command -v wireguard-go) || die "wireguard-go is not installed; set WIREGUARD_GO=PATH or see --help for the backports build"
    fi
    [[ -x $wggo && ! -d $wggo ]] || die "wireguard-go: '$wggo' is not an executable file"
    version_text=$("$wggo" --version 2>&1 || true)
    wggo_version=${version_text%%$'\n'*}
    v=$(sed -n 's/.*v\([0-9][0-9.]*[0-9]\).*/\1/p' <<<"$wggo_version")
    say "wireguard-go: $wggo: ${wggo_version:-no version reported}"
    if [[ -z $v || $(printf '%s\n' "$v" 0.0.20230223 | sort -V | head -n 1) != 0.0.20230223 ]]; then
        wggo_old=true
        cat >&2 <<EOF
$me: WARNING: this wireguard-go (${wggo_version:-no version}) is not at least v0.0.20230223, the version the
$me:   bookworm-backports build (0.0.20231211) reports. Older builds lack the TUN offloads, and baseline.md
$me:   compares against the backports build. To get it without installing it, as root:
$me:     echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list
$me:     apt-get update
$me:     apt-get download -t bookworm-backports wireguard-go && dpkg-deb -x wireguard-go_*.deb DIR
$me:   then run again with WIREGUARD_GO=DIR/usr/bin/wireguard-go (or --wireguard-go DIR/usr/bin/wireguard-go).
EOF
    fi
fi
if [[ -n $needs_wgate ]] || selected flood; then
    "$root/wgate" help >/dev/null || die "./wgate does not run (see above); it needs a JDK 25"
fi
flood_java=""
if selected flood; then # the flooder runs from wgate.jar on the JDK the launcher would use
    for j in "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/temurin-25*/bin/java /usr/lib/jvm/*25*/bin/java; do
        if [[ -n $j && -x $j ]]; then flood_java=$j; break; fi
    done
    [[ -n $flood_java ]] || die "flood: no JDK 25 found for the flooder (JAVA_HOME or /usr/lib/jvm)"
fi

tag="wgb$$"
ns_a="$tag-a"
ns_b="$tag-b"
if_a="${tag}a"
if_b="${tag}b"
work=$(mktemp -d)
run_dir=${wgate_run_dir:-$work/run}
results="$work/results.tsv"
: >"$results"
failures=0
now=$(date +%s)
started=$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)
if [[ -z $out ]]; then
    out="$root/benchmarks/netns/results/bench-$(date -u -d "@$now" +%Y%m%dT%H%M%SZ).json"
fi
case $out in *.json) md_out=${out%.json}.md ;; *) md_out=$out.md ;; esac

running() { # pid: the process exists and is not a zombie
    local state
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d ' ' -f 1) || return 1
    [[ -n $state && $state != Z ]]
}
wait_gone() { # timeout_s pid...: TERM was sent; KILL what still runs after the timeout
    local deadline=$((SECONDS + $1)) pid alive
    shift
    while :; do
        alive=()
        for pid in "$@"; do running "$pid" && alive+=("$pid"); done
        ((${#alive[@]})) || return 0
        ((SECONDS < deadline)) || break
        sleep 0.1
    done
    kill -KILL "${alive[@]}" 2>/dev/null || true
}

cleanup() {
    local rc=$? ns pids=()
    set +e
    trap - EXIT INT TERM
    pids+=($(jobs -p))
    for ns in "$ns_a" "$ns_b"; do pids+=($(ip netns pids "$ns" 2>/dev/null)); done
    if ((${#pids[@]})); then
        kill -TERM "${pids[@]}" 2>/dev/null
        wait_gone 10 "${pids[@]}" # a wgate gateway takes its interface down on SIGTERM
    fi
    ip netns del "$ns_a" 2>/dev/null
    ip netns del "$ns_b" 2>/dev/null
    ip link del "${tag}va" 2>/dev/null # only there if the script stopped before moving it
    rm -f "/var/run/wireguard/$if_a.sock" "/var/run/wireguard/$if_b.sock"
    rm -f "$run_dir/$if_a".* "$run_dir/$if_b".*
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Namespaces and the simulated link, once for the whole run.
link_pair "$ns_a" "$ns_b" "${tag}va" "${tag}vb"

keys=("$root/wgate") # wg when only wireguard-go runs (no JDK needed then)
[[ -n $needs_wgate ]] || keys=(wg)
key_a=$("${keys[@]}" genkey)
key_b=$("${keys[@]}" genkey)
pub_a=$("${keys[@]}" pubkey <<<"$key_a")
pub_b=$("${keys[@]}" pubkey <<<"$key_b")
(
    umask 077
    write_conf "$work/$if_a.conf" "$key_a" 172.16.1.1/24 "$pub_b" 172.16.1.2/32 198.51.100.2:51820
    write_conf "$work/$if_b.conf" "$key_b" 172.16.1.2/24 "$pub_a" 172.16.1.1/32 ""
    write_conf "$work/$if_a.wg" "$key_a" "" "$pub_b" 172.16.1.2/32 198.51.100.2:51820
    write_conf "$work/$if_b.wg" "$key_b" "" "$pub_a" 172.16.1.1/32 ""
)

hz=$(getconf CLK_TCK)
java_version=""
daemon_pid=""

log_tail() { # impl if: the last lines a daemon logged, to stderr
    local log
    if [[ $1 == wgate ]]; then log="$run_dir/$2.log"; else log="$work/$2.wggo.log"; fi
    [[ -s $log ]] || return 0
    echo "--- last lines of $1's log for $2 ---" >&2
    tail -n 20 "$log" >&2
}

start_daemon() { # impl ns if address; sets daemon_pid
    local impl=$1 ns=$2 ifname=$3 address=$4 i
    if [[ $impl == wgate ]]; then
        if ! ip netns exec "$ns" env "${wgate_env_words[@]}" WGATE_RUN_DIR="$run_dir" \
            "$root/wgate" up "$work/$ifname.conf" >"$work/$ifname.up.out" 2>&1; then
            cat "$work/$ifname.up.out" >&2
            log_tail wgate "$ifname"
            die "wgate up $ifname failed in $ns"
        fi
        daemon_pid=$(cat "$run_dir/$ifname.pid")
        if [[ -z $java_version ]]; then # the JDK this gateway really runs on
            java_version=$("$(readlink -f "/proc/$daemon_pid/exe")" -version 2>&1 | tr -d '\r' || true)
        fi
    else
        ip netns exec "$ns" env WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 LOG_LEVEL=error \
            "$wggo" -f "$ifname" >>"$work/$ifname.wggo.log" 2>&1 &
        daemon_pid=$! # ip netns exec and env exec, so this is wireguard-go itself (checked below)
        for i in $(seq 100); do
            [[ -S /var/run/wireguard/$ifname.sock ]] && break
            kill -0 "$daemon_pid" 2>/dev/null || break
            sleep 0.05
        done
        if [[ ! -S /var/run/wireguard/$ifname.sock ]]; then
            log_tail wggo "$ifname"
            die "wireguard-go did not open its UAPI socket for $ifname in $ns"
        fi
        [[ $(readlink -f "/proc/$daemon_pid/exe") == "$(readlink -f "$wggo")" ]] ||
            die "process $daemon_pid is not $wggo: cannot account its CPU time"
        ip netns exec "$ns" wg setconf "$ifname" "$work/$ifname.wg"
        ip -n "$ns" addr add "$address" dev "$ifname"
        ip -n "$ns" link set "$ifname" mtu 1420 up
    fi
    [[ -r /proc/$daemon_pid/stat ]] || die "$impl for $ifname: no process $daemon_pid"
}

stop_daemon() { # impl ns if pid
    local impl=$1 ns=$2 ifname=$3 pid=$4 i
    if [[ $impl == wgate ]]; then
        ip netns exec "$ns" env WGATE_RUN_DIR="$run_dir" "$root/wgate" down "$ifname" >"$work/$ifname.down.out" 2>&1 ||
            { cat "$work/$ifname.down.out" >&2; say "WARNING: wgate down $ifname reported a problem"; }
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    wait_gone 10 "$pid"
    [[ $impl == wgate ]] || wait "$pid" 2>/dev/null || true # our child: reap it quietly
    for i in $(seq 50); do # the next pair reuses the name
        ip -n "$ns" link show "$ifname" >/dev/null 2>&1 || break
        sleep 0.1
    done
    rm -f "/var/run/wireguard/$ifname.sock"
}

wait_tunnel() { # ping through the tunnel until it answers (the first ping starts the handshake)
    local deadline=$((SECONDS + 20))
    until ip netns exec "$ns_a" ping -c 1 -W 1 -q 172.16.1.2 >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
    done
}

cpu_ticks() { # pid -> utime+stime (clock ticks) of the whole process, all threads included
    running "$1" || die "daemon process $1 is gone (pair $pair, round $round); see the daemon logs"
    sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }' # fields 14, 15 counted after the comm
}

json_flat() { # JSON on stdin -> one "path<TAB>value" line per scalar, e.g. end.sum_received.bytes
    grep -oE '"([^"\\]|\\.)*"|[][{}:,]|-?[0-9][0-9.eE+-]*|true|false|null' | awk '
        $0 == "{" { d++; kind[d] = "o"; key[d] = ""; want_key[d] = 1; next }
        $0 == "[" { d++; kind[d] = "a"; key[d] = 0; next }
        $0 == "}" || $0 == "]" { d--; next }
        $0 == ":" { want_key[d] = 0; next }
        $0 == "," { if (kind[d] == "a") key[d]++; else want_key[d] = 1; next }
        {
            t = $0
            if (t ~ /^"/) t = substr(t, 2, length(t) - 2)
            if (kind[d] == "o" && want_key[d]) { key[d] = t; next }
            p = key[1]
            for (i = 2; i <= d; i++) p = p "." key[i]
            print p "\t" t
        }'
}
jget() { awk -F'\t' -v p="$2" '$1 == p { print $2; exit }' "$1"; } # flat-file path

record() { printf '%s\t%s\t%s\t%s\t%s\n' "$pair" "$round" "$1" "$2" "${3:-null}" >>"$results"; } # test metric value
got() { # test metric: the value recorded for this pair and round
    awk -F'\t' -v p="$pair" -v r="$round" -v t="$1" -v m="$2" '$1 == p && $2 == r && $3 == t && $4 == m { v = $5 } END { print v }' "$results"
}
calc() { awk "BEGIN { $1 }" </dev/null; } # calc 'printf "%.1f", 3/2'

ping_stats() { # prefix file: records sent, received, loss and the rtt figures of a ping summary
    local prefix=$1 file=$2 sent recv rtt min avg max mdev
    sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$file")
    recv=$(sed -n 's/^[0-9]* packets transmitted, \([0-9]*\) \(packets \)\{0,1\}received.*/\1/p' "$file")
    rtt=$(sed -n 's|^.*= \([0-9.]*\)/\([0-9.]*\)/\([0-9.]*\)/\{0,1\}\([0-9.]*\) ms.*|\1 \2 \3 \4|p' "$file")
    read -r min avg max mdev <<<"${rtt:-null null null null}"
    record "$ping_test" "${prefix}sent" "$sent"
    record "$ping_test" "${prefix}received" "$recv"
    if [[ -n $sent && -n $recv && $sent -gt 0 ]]; then
        record "$ping_test" "${prefix}loss_percent" "$(calc "printf \"%.2f\", 100 * ($sent - $recv) / $sent")"
    else
        record "$ping_test" "${prefix}loss_percent" null
    fi
    record "$ping_test" "${prefix}min_ms" "$min"
    record "$ping_test" "${prefix}avg_ms" "$avg"
    record "$ping_test" "${prefix}max_ms" "$max"
    record "$ping_test" "${prefix}mdev_ms" "${mdev:-null}"
    # median and 90th percentile from the per-reply lines (a -q run has none: null)
    local percentiles
    percentiles=$(sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$file" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR == 0) print "null null"; else printf "%.3f %.3f\n", v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.999)] }')
    read -r median p90 <<<"$percentiles"
    record "$ping_test" "${prefix}median_ms" "$median"
    record "$ping_test" "${prefix}p90_ms" "$p90"
    [[ -n $rtt ]]
}

iperf_server_pid=""
start_iperf_server() {
    local i
    ip netns exec "$ns_b" iperf3 -s -1 >"$work/iperf3-server.log" 2>&1 &
    iperf_server_pid=$!
    for i in $(seq 50); do
        [[ -n $(ip netns exec "$ns_b" ss -Hltn 'sport = :5201') ]] && return 0
        sleep 0.1
    done
    die "the iperf3 server did not start in $ns_b: $(cat "$work/iperf3-server.log")"
}
stop_iperf_server() { # it exits by itself after one test (-1); give it a moment, then stop it
    local i
    for i in $(seq 50); do
        kill -0 "$iperf_server_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -TERM "$iperf_server_pid" 2>/dev/null || true
    wait "$iperf_server_pid" 2>/dev/null || true
}

run_iperf() { # seconds json-out iperf3-client-options...: one iperf3 test, client in A, server in B
    local secs=$1 json=$2 rc=0
    shift 2
    start_iperf_server
    timeout --foreground $((secs + 30)) ip netns exec "$ns_a" iperf3 -c 172.16.1.2 -t "$secs" -J "$@" >"$json" 2>"$work/iperf3-client.err" || rc=$?
    stop_iperf_server
    return "$rc"
}

measure() { # test: tcp1, tcp4 or udp; records its figures
    local test=$1 args=() json="$work/iperf3.json" flat="$work/iperf3.flat" rc=0 ping_pid="" a0 b0 a1 b1
    local bits bytes err summary
    case $test in
        tcp1) args=() ;;
        tcp4) args=(-P 4) ;;
        udp) args=(-u -l 1380 -b "$udp_rate") ;;
        flood) args=() ;;
    esac
    local flood_pid=""
    if [[ $test == flood ]]; then # the flood starts first and outlasts the test; a ping runs alongside
        ip netns exec "$ns_a" "$flood_java" --enable-native-access=ALL-UNNAMED -cp "$root/gateway-server/target/wgate.jar" \
            io.wgate.server.demo.HandshakeFlooder 198.51.100.2 51820 "$pub_b" "$flood_rate" $((test_seconds + 3)) \
            "$flood_sources" >"$work/flooder.txt" 2>&1 &
        flood_pid=$!
        sleep 1
        (sleep 1 && exec ip netns exec "$ns_a" ping -q -i 0.05 -w $((test_seconds - 2)) 172.16.1.2) >"$work/ping-flood.txt" 2>&1 &
        ping_pid=$!
    fi
    start_iperf_server
    a0=$(cpu_ticks "$pid_a")
    b0=$(cpu_ticks "$pid_b")
    if [[ $test == tcp1 ]] && selected ping; then # RTT under load, within the test
        (sleep 1 && exec ip netns exec "$ns_a" ping -q -i 0.015 -w $((test_seconds - 2)) 172.16.1.2) >"$work/ping-load.txt" 2>&1 &
        ping_pid=$!
    fi
    timeout --foreground $((test_seconds + 30)) ip netns exec "$ns_a" iperf3 -c 172.16.1.2 -t "$test_seconds" -J "${args[@]}" \
        >"$json" 2>"$work/iperf3-client.err" || rc=$?
    a1=$(cpu_ticks "$pid_a")
    b1=$(cpu_ticks "$pid_b")
    [[ -z $ping_pid ]] || wait "$ping_pid" || true
    [[ -z $flood_pid ]] || wait "$flood_pid" || true
    stop_iperf_server
    json_flat <"$json" >"$flat" || true
    err=$(jget "$flat" error)
    if [[ -n $err || $rc -ne 0 ]]; then
        say "WARNING: $pair round $round $test: iperf3 failed (exit $rc): ${err:-$(head -c 300 "$work/iperf3-client.err")}"
        failures=$((failures + 1))
    fi
    bits=$(jget "$flat" end.sum_received.bits_per_second)
    bytes=$(jget "$flat" end.sum_received.bytes)
    record "$test" mbps "$([[ -n $bits ]] && calc "printf \"%.1f\", $bits / 1e6")"
    record "$test" bytes_received "$bytes"
    record "$test" seconds "$(jget "$flat" end.sum_received.seconds)"
    if [[ $test == udp ]]; then
        bits=$(jget "$flat" end.sum_sent.bits_per_second)
        record "$test" sent_mbps "$([[ -n $bits ]] && calc "printf \"%.1f\", $bits / 1e6")"
        record "$test" packets "$(jget "$flat" end.sum_received.packets)"
        record "$test" lost_packets "$(jget "$flat" end.sum_received.lost_packets)"
        record "$test" loss_percent "$(jget "$flat" end.sum_received.lost_percent | awk '{ printf "%.3f", $1 }')"
        record "$test" jitter_ms "$(jget "$flat" end.sum_received.jitter_ms | awk '{ printf "%.3f", $1 }')"
    else
        record "$test" retransmits "$(jget "$flat" end.sum_sent.retransmits)"
    fi
    record "$test" cpu_a_s "$(calc "printf \"%.2f\", ($a1 - $a0) / $hz")"
    record "$test" cpu_b_s "$(calc "printf \"%.2f\", ($b1 - $b0) / $hz")"
    if [[ -n $bytes && $bytes != 0 ]]; then
        record "$test" cpu_a_s_per_gb "$(calc "printf \"%.2f\", ($a1 - $a0) / $hz / ($bytes / 1e9)")"
        record "$test" cpu_b_s_per_gb "$(calc "printf \"%.2f\", ($b1 - $b0) / $hz / ($bytes / 1e9)")"
    else
        record "$test" cpu_a_s_per_gb null
        record "$test" cpu_b_s_per_gb null
    fi
    summary="$(got "$test" mbps) Mbit/s"
    if [[ $test == udp ]]; then
        summary+=" (sent $(got "$test" sent_mbps)), lost $(got "$test" lost_packets) of $(got "$test" packets)"
    else
        summary+=", $(got "$test" retransmits) retransmits"
    fi
    summary+=", CPU s/GB A $(got "$test" cpu_a_s_per_gb) B $(got "$test" cpu_b_s_per_gb)"
    if [[ $test == flood ]]; then
        local flood_sent
        flood_sent=$(sed -n 's/^sent \([0-9]*\),.*/\1/p' "$work/flooder.txt")
        record flood flood_sent "$flood_sent"
        record flood flood_rate "$([[ -n $flood_sent ]] && calc "printf \"%.0f\", $flood_sent / ($test_seconds + 3)")"
        [[ -n $flood_sent ]] || say "WARNING: $pair round $round: the flooder reported nothing: $(head -c 300 "$work/flooder.txt")"
        ping_test=flood
        if ping_stats ping_flood_ "$work/ping-flood.txt"; then
            summary+=", flood $(got flood flood_rate)/s, ping alongside lost $(got flood ping_flood_loss_percent) % avg $(got flood ping_flood_avg_ms) ms"
        else
            summary+=", flood $(got flood flood_rate)/s, no answer to the ping alongside"
            record flood ping_flood_loss_percent 100
        fi
    elif [[ -n $ping_pid ]]; then
        ping_test=tcp1
        if ping_stats ping_load_ "$work/ping-load.txt"; then
            summary+=", ping under load avg $(got tcp1 ping_load_avg_ms) max $(got tcp1 ping_load_max_ms) ms"
        else
            say "WARNING: $pair round $round: no answer to the ping under load"
        fi
    fi
    say "  $test: $summary"
}

for round in $(seq "$rounds"); do
    for pair in "${pair_list[@]}"; do
        case $pair in
            wgate) impl_a=wgate impl_b=wgate ;;
            wggo) impl_a=wggo impl_b=wggo ;;
            mixed) impl_a=wgate impl_b=wggo ;;
        esac
        say "round $round/$rounds, $pair (A: $impl_a, B: $impl_b)"
        start_daemon "$impl_b" "$ns_b" "$if_b" 172.16.1.2/24
        pid_b=$daemon_pid
        start_daemon "$impl_a" "$ns_a" "$if_a" 172.16.1.1/24
        pid_a=$daemon_pid
        if ! wait_tunnel; then
            log_tail "$impl_a" "$if_a"
            log_tail "$impl_b" "$if_b"
            die "$pair: no answer through the tunnel within 20 s (no handshake?)"
        fi
        if ((warmup > 0)); then
            run_iperf "$warmup" "$work/warmup.json" || say "WARNING: $pair round $round: the warm-up failed"
            # small packets too: a JIT-compiled daemon has then seen the idle ping's code paths as well as bulk TCP
            ip netns exec "$ns_a" ping -q -c $((warmup * 500)) -i 0.002 172.16.1.2 >/dev/null 2>&1 || true
            sleep 1
        fi
        if selected ping; then
            ping_test=ping
            ip netns exec "$ns_a" ping -c 200 -i 0.015 172.16.1.2 >"$work/ping-idle.txt" 2>&1 || true
            if ping_stats "" "$work/ping-idle.txt"; then
                say "  ping idle: median $(got ping median_ms) ms, avg $(got ping avg_ms) ms"
            else
                say "WARNING: $pair round $round: no answer to the idle ping"
                failures=$((failures + 1))
            fi
            sleep 0.5
        fi
        for t in tcp1 tcp4 udp flood; do
            if selected "$t"; then
                measure "$t"
                sleep 1
            fi
        done
        stop_daemon "$impl_a" "$ns_a" "$if_a" "$pid_a"
        stop_daemon "$impl_b" "$ns_b" "$if_b" "$pid_b"
        sleep 1
    done
done
finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# Report: one awk program reads the measurements (pair, round, test, metric, value) and writes either the
# Markdown tables or the JSON "measurements" and "summary" members.
report() { # md|json
    awk -F'\t' -v mode="$1" -v pairs="$pairs" -v tests="$tests" -v seconds="$test_seconds" -v rate="$udp_rate" '
    function num(v) { return v != "" && v != "null" }
    function fmt(v, f) { return num(v) ? sprintf(f, v) : "n/a" }
    function median(k,    n, i, j, x, a) {
        n = cnt[k]
        if (n == 0) return ""
        for (i = 1; i <= n; i++) a[i] = vals[k, i] + 0
        for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function jnum(v) { return num(v) ? (v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ ? v : "\"" v "\"") : "null" }
    function ratio(p, q, t,    a, b) {
        a = median(p SUBSEP t SUBSEP "mbps"); b = median(q SUBSEP t SUBSEP "mbps")
        return (a != "" && b != "" && b > 0) ? a / b : ""
    }
    {
        m = $1 SUBSEP $2 SUBSEP $3
        if (!(m in seen_m)) { seen_m[m] = 1; order[++nm] = m; nmet[m] = 0 }
        met[m, ++nmet[m]] = $4
        val[m, $4] = $5
        if (!(($3, $4) in seen_tm)) { seen_tm[$3, $4] = 1; tmet[$3, ++ntm[$3]] = $4 }
        if (num($5)) { k = $1 SUBSEP $3 SUBSEP $4; vals[k, ++cnt[k]] = $5 }
        present[$3] = 1
    }
    END {
        np = split(pairs, P, ",")
        nt = split("ping tcp1 tcp4 udp flood", T, " ")
        if (mode == "json") { json(); exit }
        # Per-test tables.
        title["ping"] = "Ping RTT on the idle tunnel (ping -c 200 -i 0.015)"
        title["tcp1"] = "One TCP stream (iperf3, " seconds " s)"
        title["tcp4"] = "Four TCP streams (iperf3 -P 4, " seconds " s)"
        title["flood"] = "One TCP stream under a handshake flood from spoofed sources (iperf3, " seconds " s)"
        cols["flood"] = "mbps:Mbit/s:%.0f;retransmits:retransmits:%d;flood_rate:flood datagrams/s:%.0f;ping_flood_loss_percent:ping lost %:%.1f;ping_flood_avg_ms:ping avg ms:%.3f;cpu_b_s_per_gb:CPU s/GB B:%.2f"
        title["udp"] = "UDP, 1380-byte datagrams offered at " rate "bit/s (iperf3 -u -l 1380 -b " rate ", " seconds " s)"
        cols["ping"] = "median_ms:median ms:%.3f;p90_ms:p90 ms:%.3f;avg_ms:avg ms:%.3f;min_ms:min ms:%.3f;max_ms:max ms:%.3f;loss_percent:lost %:%.0f"
        cols["tcp1"] = "mbps:Mbit/s:%.0f;retransmits:retransmits:%d;ping_load_avg_ms:ping under load avg ms:%.3f;ping_load_max_ms:ping under load max ms:%.3f;cpu_a_s_per_gb:CPU s/GB A:%.2f;cpu_b_s_per_gb:CPU s/GB B:%.2f"
        cols["tcp4"] = "mbps:Mbit/s:%.0f;retransmits:retransmits:%d;cpu_a_s_per_gb:CPU s/GB A:%.2f;cpu_b_s_per_gb:CPU s/GB B:%.2f"
        cols["udp"] = "mbps:Mbit/s received:%.0f;sent_mbps:Mbit/s sent:%.0f;LOST:lost / total:%s;loss_percent:loss %:%.2f;cpu_a_s_per_gb:CPU s/GB A:%.2f;cpu_b_s_per_gb:CPU s/GB B:%.2f"
        for (ti = 1; ti <= nt; ti++) {
            t = T[ti]
            if (!(t in present)) continue
            printf "### %s\n\n", title[t]
            nc = split(cols[t], C, ";")
            hdr = "| pair | round |"; rule = "|---|---:|"; used = 0
            for (c = 1; c <= nc; c++) {
                split(C[c], F, ":")
                show[c] = (F[1] == "LOST") || ((t, F[1]) in seen_tm && has_value(t, F[1]))
                if (show[c]) { hdr = hdr " " F[2] " |"; rule = rule "---:|" }
            }
            print hdr; print rule
            for (i = 1; i <= nm; i++) {
                split(order[i], K, SUBSEP)
                if (K[3] != t) continue
                line = "| " K[1] " | " K[2] " |"
                for (c = 1; c <= nc; c++) {
                    if (!show[c]) continue
                    split(C[c], F, ":")
                    if (F[1] == "LOST") cell = fmt(val[order[i], "lost_packets"], "%d") " / " fmt(val[order[i], "packets"], "%d")
                    else cell = fmt(val[order[i], F[1]], F[3])
                    line = line " " cell " |"
                }
                print line
            }
            print ""
        }
        print "A: namespace A, the iperf3 client (sends the bulk data, its daemon encrypts it); B: the receiver."
        print "CPU s/GB: utime+stime of the daemon over the test, per 10^9 bytes the iperf3 server received."
        print ""
        # Summary: medians per pair.
        print "### Summary: medians over the rounds"
        print ""
        S = "tcp1:mbps:tcp1 Mbit/s:%.0f;flood:mbps:tcp1 flooded Mbit/s:%.0f;flood:ping_flood_loss_percent:ping lost under flood %:%.1f;tcp4:mbps:tcp4 Mbit/s:%.0f;udp:mbps:UDP Mbit/s:%.0f;udp:loss_percent:UDP loss %:%.2f;ping:median_ms:ping idle median ms:%.3f;ping:avg_ms:ping idle avg ms:%.3f;tcp1:ping_load_avg_ms:ping under load avg ms:%.3f"
        summary_table(S)
        S = "tcp1:cpu_a_s_per_gb:tcp1 CPU s/GB A:%.2f;tcp1:cpu_b_s_per_gb:tcp1 CPU s/GB B:%.2f;tcp4:cpu_a_s_per_gb:tcp4 CPU s/GB A:%.2f;tcp4:cpu_b_s_per_gb:tcp4 CPU s/GB B:%.2f;udp:cpu_a_s_per_gb:UDP CPU s/GB A:%.2f;udp:cpu_b_s_per_gb:UDP CPU s/GB B:%.2f"
        summary_table(S)
        if (("flood" in present) && ("tcp1" in present)) {
            print "| flooded / unflooded tcp1 (medians) |"; print "|---|"
            for (pi = 1; pi <= np; pi++) {
                a = median(P[pi] SUBSEP "flood" SUBSEP "mbps"); b = median(P[pi] SUBSEP "tcp1" SUBSEP "mbps")
                print "| " P[pi] ": " fmt((a != "" && b != "" && b > 0) ? a / b : "", "%.2f") " |"
            }
            print ""
        }
        nr = 0
        if ("tcp1" in present) R[++nr] = "tcp1"
        if ("tcp4" in present) R[++nr] = "tcp4"
        if ("flood" in present) R[++nr] = "flood"
        if (nr && (("wggo" SUBSEP R[1] SUBSEP "mbps") in cnt || ("wggo" SUBSEP R[nr] SUBSEP "mbps") in cnt) && np > 1) {
            hdr = "| throughput ratio (medians) |"; rule = "|---|"
            for (c = 1; c <= nr; c++) { hdr = hdr " " R[c] " |"; rule = rule "---:|" }
            print hdr; print rule
            for (pi = 1; pi <= np; pi++) {
                if (P[pi] == "wggo") continue
                line = "| " P[pi] " / wggo |"
                for (c = 1; c <= nr; c++) line = line " " fmt(ratio(P[pi], "wggo", R[c]), "%.2f") " |"
                print line
            }
            print ""
        }
    }
    function has_value(t, metric,    i, K) {
        for (i = 1; i <= nm; i++) { split(order[i], K, SUBSEP); if (K[3] == t && num(val[order[i], metric])) return 1 }
        return 0
    }
    function summary_table(spec,    n, Q, c, F, hdr, rule, line, pi, any, show2) {
        n = split(spec, Q, ";"); hdr = "| pair |"; rule = "|---|"; any = 0
        for (c = 1; c <= n; c++) {
            split(Q[c], F, ":")
            show2[c] = 0
            for (pi = 1; pi <= np; pi++) if ((P[pi] SUBSEP F[1] SUBSEP F[2]) in cnt) show2[c] = 1
            if (show2[c]) { hdr = hdr " " F[3] " |"; rule = rule "---:|"; any = 1 }
        }
        if (!any) return
        print hdr; print rule
        for (pi = 1; pi <= np; pi++) {
            line = "| " P[pi] " |"
            for (c = 1; c <= n; c++) {
                if (!show2[c]) continue
                split(Q[c], F, ":")
                line = line " " fmt(median(P[pi] SUBSEP F[1] SUBSEP F[2]), F[4]) " |"
            }
            print line
        }
        print ""
    }
    function json(    i, j, K, m, sep, pi, ti, t, k, first, r) {
        print "  \"measurements\": ["
        for (i = 1; i <= nm; i++) {
            m = order[i]; split(m, K, SUBSEP)
            printf "    {\"pair\": \"%s\", \"round\": %d, \"test\": \"%s\"", K[1], K[2], K[3]
            for (j = 1; j <= nmet[m]; j++) printf ", \"%s\": %s", met[m, j], jnum(val[m, met[m, j]])
            printf "}%s\n", i < nm ? "," : ""
        }
        print "  ],"
        print "  \"summary\": {"
        print "    \"medians\": {"
        for (pi = 1; pi <= np; pi++) {
            printf "      \"%s\": {", P[pi]; first = 1
            for (ti = 1; ti <= nt; ti++) {
                t = T[ti]
                if (!(t in present)) continue
                printf "%s\"%s\": {", first ? "" : ", ", t; first = 0; sep = ""
                for (j = 1; j <= ntm[t]; j++) {
                    k = P[pi] SUBSEP t SUBSEP tmet[t, j]
                    r = median(k)
                    printf "%s\"%s\": %s", sep, tmet[t, j], r == "" ? "null" : sprintf("%.10g", r); sep = ", "
                }
                printf "}"
            }
            printf "}%s\n", pi < np ? "," : ""
        }
        print "    },"
        printf "    \"mbps_ratios\": {"
        first = 1
        for (ti = 1; ti <= nt; ti++) {
            t = T[ti]
            if (t == "ping" || !(t in present)) continue
            printf "%s\"%s\": {", first ? "" : ", ", t; first = 0; sep = ""
            for (pi = 1; pi <= np; pi++) {
                if (P[pi] == "wggo") continue
                r = ratio(P[pi], "wggo", t)
                printf "%s\"%s/wggo\": %s", sep, P[pi], r == "" ? "null" : sprintf("%.4f", r); sep = ", "
            }
            printf "}"
        }
        print "}"
        print "  }"
    }' "$results"
}

json_str() { # a JSON string literal
    local s
    s=$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037')
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    s=${s//$'\r'/}
    s=${s//$'\t'/\\t}
    printf '"%s"' "$s"
}
json_opt() { if [[ -n $1 ]]; then json_str "$1"; else printf null; fi; } # a string, null when empty
json_list() { # comma-separated words -> JSON array of strings
    local IFS=, w sep="" s="["
    for w in $1; do s+="$sep$(json_str "$w")"; sep=", "; done
    printf '%s]' "$s"
}

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
iperf3_version=$(iperf3 --version 2>&1 | head -n 1 || true)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ $commit == unknown || -z $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]] || commit+="-dirty"
env_json="["
sep=""
for w in "${wgate_env_words[@]}"; do env_json+="$sep$(json_str "$w")"; sep=", "; done
env_json+="]"

mkdir -p "$(dirname "$out")"
{
    echo "{"
    echo "  \"started\": $(json_str "$started"),"
    echo "  \"finished\": $(json_str "$finished"),"
    echo "  \"parameters\": {\"rounds\": $rounds, \"seconds\": $test_seconds, \"warmup_seconds\": $warmup," \
        "\"pairs\": $(json_list "$pairs"), \"tests\": $(json_list "$tests"), \"udp_rate\": $(json_str "$udp_rate")," \
        "\"udp_length\": 1380, \"mtu\": 1420, \"wgate_env\": $(json_str "$wgate_env"), \"wgate_env_words\": $env_json," \
        "\"wireguard_go\": $(json_opt "$wggo")},"
    echo "  \"machine\": {\"nproc\": $(nproc), \"cpu_model\": $(json_str "$cpu_model"), \"kernel\": $(json_str "$(uname -r)"),"
    echo "    \"java_version\": $(json_opt "$java_version"), \"wireguard_go_version\": $(json_opt "$wggo_version"),"
    echo "    \"wireguard_go_older_than_backports\": $wggo_old, \"iperf3_version\": $(json_str "$iperf3_version"),"
    echo "    \"wgate_commit\": $(json_str "$commit"), \"clock_ticks_per_second\": $hz},"
    report json
    echo "}"
} >"$out"

{
    echo "## Namespace benchmark, $started"
    echo
    echo "Machine: $(nproc) CPU, $cpu_model, kernel $(uname -r)."
    [[ -z $java_version ]] || echo "wgate: commit $commit, on ${java_version//$'\n'/; }."
    [[ -z $wggo_version ]] || echo "wireguard-go: $wggo_version$([[ $wggo_old == false ]] || echo " (WARNING: older than the bookworm-backports build)")."
    echo "$iperf3_version. Rounds: $rounds, $test_seconds s per test, warm-up $warmup s. WGATE_ENV: ${wgate_env:-(none)}."
    echo
    report md
} | tee "$md_out"

say "JSON: $out"
say "Markdown: $md_out"
[[ $wggo_old == false ]] || say "WARNING: wireguard-go ($wggo_version) is older than the bookworm-backports build (see above)"
if ((failures)); then
    say "$failures test(s) failed; their figures are null"
    exit 1
fi
