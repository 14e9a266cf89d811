#!/usr/bin/env bash
# Soak test: one wgate tunnel carrying traffic for a long time (30 minutes by default), through about fifteen
# rekeys, with the gateways' memory, file descriptors and threads sampled at a fixed interval. It answers one
# question: does a gateway that keeps working keep the same size? Two network namespaces (wgsoak-a and
# wgsoak-b) joined by a veth pair (198.51.100.1/24 and .2/24), wgate in each (interfaces wgsoak0, 172.16.2.1/24,
# and wgsoak1, 172.16.2.2/24, MTU 1420, UDP 51820; A has B's endpoint and so initiates every handshake).
#
#   sudo benchmarks/soak/soak.sh [options]
#   sudo benchmarks/soak/soak.sh -d 3          # a short run (3 minutes) to check the set-up
#
# While it runs:
#   traffic  iperf3 from A to B, both directions at once (--bidir), at a moderate rate, TCP by default, for the
#            whole duration; a run that ends early (an error, a stall) is started again and counted.
#   ping     ping -i 0.2 (5 per second) from A to B through the tunnel, alongside, for the whole duration.
#   rekeys   REKEY_AFTER_TIME is 120 s: A starts a new handshake every two minutes (duration / 120 s of them).
#   samples  at the start and then every interval, for each gateway process: RSS (VmRSS in /proc/PID/status),
#            open file descriptors (/proc/PID/fd), threads (/proc/PID/status), CPU time (/proc/PID/stat); from
#            its Prometheus endpoint (127.0.0.1:9586 inside its namespace): heap used, heap committed, direct
#            buffers (jvm_buffer_memory_used_bytes, which counts Netty's pooled direct chunks), non-heap used,
#            handshakes completed, rekeys, failed handshake messages, dropped packets, bytes received, the
#            peer's latest handshake; then `jcmd PID GC.run` and GC.heap_info: the live heap after a full
#            collection, the figure that shows growth without the young generation's saw-tooth (the forced
#            collection also lets Netty's leak detector see every buffer that became garbage unreleased).
# The gateways run with Netty's leak detection at the advanced level (-Dio.netty.leakDetection.level=advanced,
# as the integration tests' child gateways do; checked on each gateway's command line).
#
# Checks at the end (after `wgate down` on both sides): "LEAK:" lines in either gateway's log, error lines
# (ERROR, SEVERE, Exception, OutOfMemory) in either log, ping loss, the rekeys seen, and whether RSS and the live
# heap were flat after the warm-up: flat means the least-squares trend over the samples after the warm-up adds
# less than 5 % of the value at the warm-up's end over that window (fds and threads: their range is reported).
# Exit status 1 when a leak or an error line was logged, or a gateway died; a trend that is not flat, ping loss
# or fewer rekeys than expected are reported as warnings only.
#
# Options (each also as an environment variable; a flag wins over the variable):
#   -d, --minutes N       SOAK_MINUTES     duration in minutes, a whole number or a decimal (default 30)
#   -i, --interval N      SOAK_INTERVAL    seconds between samples, at least 5 (default 60)
#   -w, --warmup N        SOAK_WARMUP      minutes excluded from the flatness figures (default 5, at most a
#                                          third of the duration)
#   -r, --rate RATE       SOAK_RATE        iperf3 -b per direction, e.g. 50M (default 100M)
#   -u, --udp                              UDP (iperf3 -u -l 1380) instead of TCP
#   -j, --java-opts OPTS  SOAK_JAVA_OPTS   more JVM options for both gateways (after the leak-detection option),
#                                          e.g. -XX:NativeMemoryTracking=summary
#   -o, --out FILE        SOAK_OUT         the JSON file (default benchmarks/soak/results/soak-<UTC time>.json);
#                                          the Markdown goes beside it (.md), and the two gateway logs as
#                                          <name>.a.log and <name>.b.log
#   -h, --help                             this text
#
# Output: progress and one line per sample on stderr; the Markdown (parameters, machine, verdict, a summary per
# gateway, and the table of every sample) on stdout and in the .md file; the JSON holds the same: parameters,
# machine, every sample, the summaries and the checks.
#
# Needs root, iproute2, iperf3, iputils-ping, curl, coreutils, awk, and a JDK 25 for ./wgate (built on first
# use) whose bin/ has jcmd. Traffic stays inside the two namespaces this script creates (it refuses to start if
# they, its veth or its interfaces' UAPI sockets already exist); the namespaces, the gateways, iperf3, ping and
# the UAPI sockets are removed on exit, on failure and on Ctrl-C. Record figures with the machine in
# benchmarks/README.md.
set -euo pipefail

me=soak.sh
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=/dev/null
source "$here/../netns/link-pair.sh"

usage() { awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }
die() { echo "$me: $*" >&2; exit 1; }
say() { echo "$me: $(date -u +%H:%M:%S) $*" >&2; }

minutes=${SOAK_MINUTES:-30}
interval=${SOAK_INTERVAL:-60}
warmup_min=${SOAK_WARMUP:-}
rate=${SOAK_RATE:-100M}
proto=tcp
java_opts=${SOAK_JAVA_OPTS:-}
out=${SOAK_OUT:-}

while (($#)); do
    opt=$1
    case $opt in
        -h | --help) usage; exit 0 ;;
        -u | --udp) proto=udp; shift; continue ;;
        --*=*) val=${opt#*=}; opt=${opt%%=*}; shift ;;
        -*) (($# >= 2)) || die "$opt needs a value (see --help)"; val=$2; shift 2 ;;
        *) die "unexpected argument '$opt' (see --help)" ;;
    esac
    case $opt in
        -d | --minutes) minutes=$val ;;
        -i | --interval) interval=$val ;;
        -w | --warmup) warmup_min=$val ;;
        -r | --rate) rate=$val ;;
        -j | --java-opts) java_opts=$val ;;
        -o | --out) out=$val ;;
        *) die "unknown option $opt (see --help)" ;;
    esac
done

calc() { awk "BEGIN { $1 }" </dev/null; } # calc 'printf "%.1f", 3/2'
[[ $minutes =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "minutes: '$minutes' is not a number of minutes"
duration=$(calc "printf \"%d\", $minutes * 60 + 0.5")
((duration >= 60)) || die "minutes: '$minutes' is less than one minute"
[[ $interval =~ ^[0-9]+$ ]] && ((interval >= 5)) || die "interval: '$interval' is not a whole number of seconds, at least 5"
((interval <= duration)) || die "interval: $interval s is longer than the run ($duration s)"
if [[ -z $warmup_min ]]; then
    warmup=$((duration / 3 < 300 ? duration / 3 : 300))
else
    [[ $warmup_min =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "warmup: '$warmup_min' is not a number of minutes"
    warmup=$(calc "printf \"%d\", $warmup_min * 60 + 0.5")
    ((warmup * 3 <= duration)) || die "warmup: $warmup_min minutes is more than a third of the run"
fi
[[ $rate =~ ^[0-9]+(\.[0-9]+)?[KMGkmg]?$ ]] || die "rate: '$rate' is not an iperf3 rate such as 50M"

[[ $(id -u) -eq 0 ]] || die "run as root (it creates network namespaces)"
for tool in ip iperf3 ping curl timeout awk sed grep getconf mktemp readlink; do
    command -v "$tool" >/dev/null || die "$tool is not installed (iproute2, iperf3, iputils-ping, curl, coreutils)"
done
"$root/wgate" help >/dev/null || die "./wgate does not run (see above); it needs a JDK 25"

ns_a=wgsoak-a ns_b=wgsoak-b
if_a=wgsoak0 if_b=wgsoak1
veth_a=wgsoakva veth_b=wgsoakvb
addr_a=172.16.2.1 addr_b=172.16.2.2
metrics_port=9586
leak_option=-Dio.netty.leakDetection.level=advanced
for ns in "$ns_a" "$ns_b"; do
    [[ ! -e /var/run/netns/$ns ]] || die "namespace $ns exists: another soak runs, or one was killed (ip netns del $ns)"
done
! ip link show "$veth_a" >/dev/null 2>&1 || die "interface $veth_a exists (ip link del $veth_a)"
for i in "$if_a" "$if_b"; do
    [[ ! -e /var/run/wireguard/$i.sock ]] || die "/var/run/wireguard/$i.sock exists: a gateway for $i runs, or one died"
done

work=$(mktemp -d)
run_dir=$work/run
now=$(date +%s)
started=$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)
[[ -n $out ]] || out="$root/benchmarks/soak/results/soak-$(date -u -d "@$now" +%Y%m%dT%H%M%SZ).json"
case $out in *.json) base=${out%.json} ;; *) base=$out ;; esac
md_out=$base.md
hz=$(getconf CLK_TCK)
created=""

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
    if [[ -n $created ]]; then
        for ns in "$ns_a" "$ns_b"; do pids+=($(ip netns pids "$ns" 2>/dev/null)); done
    fi
    if ((${#pids[@]})); then
        kill -TERM "${pids[@]}" 2>/dev/null
        wait_gone 10 "${pids[@]}" # a wgate gateway takes its interface down on SIGTERM
    fi
    if [[ -n $created ]]; then
        ip netns del "$ns_a" 2>/dev/null
        ip netns del "$ns_b" 2>/dev/null
        ip link del "$veth_a" 2>/dev/null # only there if the script stopped before moving it
        rm -f "/var/run/wireguard/$if_a.sock" "/var/run/wireguard/$if_b.sock"
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Namespaces and the simulated link.
created=1
link_pair "$ns_a" "$ns_b" "$veth_a" "$veth_b"

key_a=$("$root/wgate" genkey)
key_b=$("$root/wgate" genkey)
pub_a=$("$root/wgate" pubkey <<<"$key_a")
pub_b=$("$root/wgate" pubkey <<<"$key_b")
(
    umask 077
    write_conf "$work/$if_a.conf" "$key_a" "$addr_a/24" "$pub_b" "$addr_b/32" 198.51.100.2:51820
    write_conf "$work/$if_b.conf" "$key_b" "$addr_b/24" "$pub_a" "$addr_a/32" ""
)

declare -A pid=() ns_of=([a]=$ns_a [b]=$ns_b) if_of=([a]=$if_a [b]=$if_b) jcmd=() cmdline=()
java_version=""
start_gateway() { # side
    local side=$1 ifname=${if_of[$1]}
    if ! ip netns exec "${ns_of[$side]}" env WGATE_RUN_DIR="$run_dir" WGATE_METRICS="127.0.0.1:$metrics_port" \
        WGATE_JAVA_OPTS="$leak_option $java_opts" "$root/wgate" up "$work/$ifname.conf" >"$work/$side.up.out" 2>&1; then
        cat "$work/$side.up.out" >&2
        [[ ! -s $run_dir/$ifname.log ]] || tail -n 20 "$run_dir/$ifname.log" >&2
        die "wgate up $ifname failed in ${ns_of[$side]}"
    fi
    pid[$side]=$(cat "$run_dir/$ifname.pid")
    running "${pid[$side]}" || die "gateway $side: no process ${pid[$side]}"
    tr '\0' '\n' <"/proc/${pid[$side]}/cmdline" | grep -qxF -- "$leak_option" ||
        die "gateway $side runs without $leak_option (WGATE_JAVA_OPTS not passed on?)"
    local bin
    bin=$(dirname "$(readlink -f "/proc/${pid[$side]}/exe")")
    [[ -x $bin/jcmd ]] || die "no jcmd beside the gateway's java ($bin): the live heap cannot be sampled"
    jcmd[$side]=$bin/jcmd
    cmdline[$side]=$(tr '\0' ' ' <"/proc/${pid[$side]}/cmdline")
    [[ -n $java_version ]] || java_version=$("$bin/java" -version 2>&1 | tr -d '\r' || true)
}

say "duration $duration s, a sample every $interval s, warm-up $warmup s, iperf3 $proto --bidir -b $rate"
start_gateway b
start_gateway a
deadline=$((SECONDS + 20))
until ip netns exec "$ns_a" ping -c 1 -W 1 -q "$addr_b" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "no answer through the tunnel within 20 s (no handshake?)"
done
say "tunnel up: gateway A pid ${pid[a]}, B pid ${pid[b]}"

ip netns exec "$ns_b" iperf3 -s -B "$addr_b" >"$work/iperf3-server.log" 2>&1 &
for i in $(seq 50); do
    ip netns exec "$ns_b" ss -Hltn "sport = :5201" | grep -q . && break
    ((i < 50)) || die "the iperf3 server did not start in $ns_b: $(cat "$work/iperf3-server.log")"
    sleep 0.1
done

# Samples: one TSV line per gateway and sample.
samples=$work/samples.tsv
cols="side t_s rss_kib heap_used_kib heap_live_kib heap_committed_kib direct_kib direct_buffers nonheap_kib fds threads"
cols+=" cpu_ticks handshakes rekeys handshakes_failed drops rx_bytes tx_bytes latest_handshake"
tr ' ' '\t' <<<"$cols" >"$samples"
msum() { # metrics-file name-regex: the sum of the matching samples, or null
    awk -v re="$2" '!/^#/ && $1 ~ re { s += $NF; n++ } END { if (n) printf "%.0f\n", s; else print "null" }' "$1"
}
mkib() { [[ $1 == null ]] && echo null || echo $(($1 / 1024)); }
inventory() { # pid: the threads by name and the open fds by kind, "count<TAB>thread NAME" or "count<TAB>fd KIND"
    { cat "/proc/$1/task/"*/comm 2>/dev/null | sed 's/[0-9][0-9]*/N/g; s/^/thread /'
      find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -exec readlink {} + 2>/dev/null |
          sed 's/:\[[0-9]*\]$//; s|^/dev/pts/.*|/dev/pts|; s/^/fd /'
    } | sort | uniq -c | awk '{ n = $1; sub(/^ *[0-9]+ /, ""); printf "%d\t%s\n", n, $0 }'
}
inventory_change() { # file-before file-after: "NAME a->b" for each thread name or fd kind whose count changed
    awk -F'\t' 'NR == FNR { b[$2] = $1; k[$2] = 1; next } { a[$2] = $1; k[$2] = 1 }
        END { for (x in k) if (b[x] + 0 != a[x] + 0) printf "%s%s %d->%d", n++ ? ", " : "", x, b[x], a[x] }' "$1" "$2"
}
sample() { # side t_s
    local side=$1 t=$2 p=${pid[$1]} m=$work/metrics.$1 rss threads fds ticks heap_live
    running "$p" || { say "gateway $side (pid $p) is gone"; return 1; }
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$p/status")
    fds=$(find "/proc/$p/fd" -mindepth 1 -maxdepth 1 | wc -l)
    ticks=$(sed 's/^.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')
    inventory "$p" >"$work/inventory.$side.$t"
    ip netns exec "${ns_of[$side]}" curl -s --max-time 5 "http://127.0.0.1:$metrics_port/metrics" >"$m" ||
        { say "WARNING: gateway $side: no metrics"; : >"$m"; }
    printf 'GC.run\nGC.heap_info\n' >"$work/jcmd.txt"
    heap_live=$(timeout 30 "${jcmd[$side]}" "$p" -f "$work/jcmd.txt" 2>&1 |
        awk '/^[^ ].* total .*used [0-9]+K/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); s += v; n++ } }
             END { if (n) print s; else print "null" }') || heap_live=null
    printf '%s\n' "$side" "$t" "$rss" \
        "$(mkib "$(msum "$m" '^jvm_memory_used_bytes\\{area="heap"')")" "$heap_live" \
        "$(mkib "$(msum "$m" '^jvm_memory_committed_bytes\\{area="heap"')")" \
        "$(mkib "$(msum "$m" '^jvm_buffer_memory_used_bytes\\{id="direct"')")" \
        "$(msum "$m" '^jvm_buffer_count_buffers\\{id="direct"')" \
        "$(mkib "$(msum "$m" '^jvm_memory_used_bytes\\{area="nonheap"')")" \
        "$fds" "$threads" "$ticks" \
        "$(msum "$m" '^wgate_handshakes_completed_total\\{')" "$(msum "$m" '^wgate_rekeys_total\\{')" \
        "$(msum "$m" '^wgate_handshakes_failed_total\\{')" "$(msum "$m" '^wgate_dropped_packets_total\\{')" \
        "$(msum "$m" '^wgate_received_bytes_total\\{')" "$(msum "$m" '^wgate_sent_bytes_total\\{')" \
        "$(msum "$m" '^wireguard_latest_handshake_seconds\\{')" | paste -s -d '\t' >>"$samples"
}
sample_both() { # t_s
    sample a "$1" && sample b "$1" || return 1
    awk -F'\t' -v t="$1" '$2 == t { printf "%s%s: RSS %d MiB, heap %d MiB (live %s MiB), direct %d MiB, %d fds, %d threads, %s handshakes, %s rekeys",
        n++ ? "; " : "", toupper($1), $3 / 1024, $4 / 1024, $5 == "null" ? "?" : sprintf("%.1f", $5 / 1024), $7 / 1024, $10, $11, $13, $14 }
        END { print "" }' "$samples" | sed "s/^/t=$1 s: /" | while read -r line; do say "$line"; done
}

t0=$EPOCHREALTIME
elapsed() { calc "printf \"%d\", $EPOCHREALTIME - $t0 + 0.5"; }
sample_both 0 || die "a gateway died before the traffic started"

ip netns exec "$ns_a" ping -D -O -i 0.2 -w "$duration" "$addr_b" >"$work/ping.txt" 2>&1 &
ping_pid=$!
iperf_args=(-c "$addr_b" --bidir -b "$rate" --connect-timeout 5000)
[[ $proto == tcp ]] || iperf_args+=(-u -l 1380)
(
    end=$(calc "printf \"%d\", $t0 + $duration")
    while :; do
        left=$((end - $(date +%s)))
        ((left >= 3)) || break
        s=$(date +%s)
        rc=0
        ip netns exec "$ns_a" iperf3 "${iperf_args[@]}" -t "$left" >"$work/iperf3-last.log" 2>&1 || rc=$?
        printf '%s\t%s\t%s\n' "$((s - ${t0%.*}))" "$(($(date +%s) - s))" "$rc" >>"$work/iperf3-runs.tsv"
        ((rc == 0)) || cat "$work/iperf3-last.log" >>"$work/iperf3-failures.log"
        sleep 1
    done
) &
iperf_loop=$!

died=""
k=1
while :; do
    t=$((k * interval))
    ((t <= duration)) || t=$duration
    wait_s=$(calc "w = $t0 + $t - $EPOCHREALTIME; printf \"%.3f\", (w > 0 ? w : 0)")
    sleep "$wait_s" & wait "$!" # in the background: a signal ends the wait at once (traps wait for a foreground command)
    if ! sample_both "$t"; then
        died=1
        break
    fi
    ((t < duration)) || break
    k=$((k + 1))
done

# Traffic and ping end by themselves at the deadline; give them a moment.
for i in $(seq 100); do
    running "$iperf_loop" || running "$ping_pid" || break
    sleep 0.2
done
kill -TERM "$iperf_loop" 2>/dev/null || true
kill -INT "$ping_pid" 2>/dev/null || true
wait "$iperf_loop" 2>/dev/null || true
wait "$ping_pid" 2>/dev/null || true
finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# Down, then read the logs: what a gateway logs while it stops counts too.
for side in a b; do
    if running "${pid[$side]}"; then
        ip netns exec "${ns_of[$side]}" env WGATE_RUN_DIR="$run_dir" "$root/wgate" down "${if_of[$side]}" \
            >"$work/$side.down.out" 2>&1 || { cat "$work/$side.down.out" >&2; say "WARNING: wgate down ${if_of[$side]} reported a problem"; }
        wait_gone 10 "${pid[$side]}"
    fi
done
mkdir -p "$(dirname "$out")"
error_re='(^|[^A-Za-z])(ERROR|SEVERE)([^A-Za-z]|$)|Exception|OutOfMemory'
declare -A leaks=() errors=() warnings=()
for side in a b; do
    log=$run_dir/${if_of[$side]}.log
    [[ -f $log ]] || : >"$log"
    cp "$log" "$base.$side.log"
    leaks[$side]=$(grep -c 'LEAK:' "$log" || true)
    errors[$side]=$(grep -cE "$error_re" "$log" || true)
    warnings[$side]=$(grep -c ' WARNING ' "$log" || true)
done

# Ping: the summary, and when a ping had no answer yet as the next one went out (-O prints "no answer yet"): a
# reply later than 0.2 s, or a loss (the summary tells which).
ping_sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$work/ping.txt")
ping_recv=$(sed -n 's/^[0-9]* packets transmitted, \([0-9]*\) \(packets \)\{0,1\}received.*/\1/p' "$work/ping.txt")
ping_rtt=$(sed -n 's|^.*= \([0-9.]*\)/\([0-9.]*\)/\([0-9.]*\)/\{0,1\}\([0-9.]*\) ms.*|\1 \2 \3 \4|p' "$work/ping.txt")
read -r ping_min ping_avg ping_max ping_mdev <<<"${ping_rtt:-null null null null}"
ping_late_at=$(awk -v t0="$t0" '/no answer yet/ { gsub(/[][]/, "", $1); printf "%s%d", n++ ? "," : "", $1 - t0 + 0.5 }' "$work/ping.txt")
iperf_runs=0 iperf_failed=0
if [[ -f $work/iperf3-runs.tsv ]]; then
    iperf_runs=$(wc -l <"$work/iperf3-runs.tsv")
    iperf_failed=$(awk -F'\t' '$3 != 0' "$work/iperf3-runs.tsv" | wc -l)
fi
[[ ! -s $work/iperf3-failures.log ]] || { say "iperf3 failures:"; tail -n 20 "$work/iperf3-failures.log" >&2; }

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
iperf3_version=$(iperf3 --version 2>&1 | head -n 1 || true)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ $commit == unknown || -z $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]] || commit+="-dirty"

# The report: one awk program reads the samples and writes the JSON members or the Markdown.
report() { # json|md
    awk -F'\t' -v mode="$1" -v warmup="$warmup" -v hz="$hz" -v duration="$duration" '
    function num(v) { return v != "" && v != "null" }
    function jv(v) { return num(v) && v != "n/a" ? v : "null" }
    NR == 1 { for (i = 1; i <= NF; i++) col[i] = $i; ncol = NF; next }
    {
        s = $1; n[s]++
        for (i = 2; i <= ncol; i++) v[s, n[s], col[i]] = $i
    }
    # first sample at or after the warm-up
    function wstart(s,    i) { for (i = 1; i <= n[s]; i++) if (v[s, i, "t_s"] >= warmup) return i; return n[s] }
    function mn(s, c,    i, r) { r = ""; for (i = wstart(s); i <= n[s]; i++) if (num(v[s, i, c]) && (r == "" || v[s, i, c] + 0 < r)) r = v[s, i, c] + 0; return r }
    function mx(s, c,    i, r) { r = ""; for (i = wstart(s); i <= n[s]; i++) if (num(v[s, i, c]) && (r == "" || v[s, i, c] + 0 > r)) r = v[s, i, c] + 0; return r }
    # least-squares slope (per second) of column c after the warm-up
    function slope(s, c,    i, k, sx, sy, sxx, sxy, x, y) {
        k = 0; sx = sy = sxx = sxy = 0
        for (i = wstart(s); i <= n[s]; i++) {
            if (!num(v[s, i, c])) continue
            x = v[s, i, "t_s"]; y = v[s, i, c]; k++; sx += x; sy += y; sxx += x * x; sxy += x * y
        }
        if (k < 2 || k * sxx - sx * sx == 0) return ""
        return (k * sxy - sx * sy) / (k * sxx - sx * sx)
    }
    function window(s) { return v[s, n[s], "t_s"] - v[s, wstart(s), "t_s"] }
    function trend(s, c,    b) { b = slope(s, c); return b == "" ? "" : b * window(s) } # growth over the window
    function flat(s, c,    tr, base) {
        tr = trend(s, c); base = v[s, wstart(s), c]
        if (tr == "" || !num(base) || base == 0) return "null"
        return tr < 0.05 * base ? "true" : "false"
    }
    function delta(s, c) { return num(v[s, n[s], c]) && num(v[s, 1, c]) ? v[s, n[s], c] - v[s, 1, c] : "" }
    function distinct(s, c,    i, k, seen, r) { # how many times the value changed (new latest handshakes seen)
        r = 0
        for (i = 2; i <= n[s]; i++) if (num(v[s, i, c]) && v[s, i, c] != v[s, i - 1, c]) r++
        return r
    }
    function mbps(s, i) { # received Mbit/s over the interval ending at sample i
        if (i < 2 || !num(v[s, i, "rx_bytes"]) || !num(v[s, i - 1, "rx_bytes"])) return ""
        return (v[s, i, "rx_bytes"] - v[s, i - 1, "rx_bytes"]) * 8 / 1e6 / (v[s, i, "t_s"] - v[s, i - 1, "t_s"])
    }
    function cpu(s, i) { # CPU % over the interval ending at sample i
        if (i < 2) return ""
        return 100 * (v[s, i, "cpu_ticks"] - v[s, i - 1, "cpu_ticks"]) / hz / (v[s, i, "t_s"] - v[s, i - 1, "t_s"])
    }
    function avg_mbps(s,    dt) { dt = v[s, n[s], "t_s"] - v[s, 1, "t_s"]; return dt > 0 && num(delta(s, "rx_bytes")) ? delta(s, "rx_bytes") * 8 / 1e6 / dt : "" }
    function avg_cpu(s,    dt) { dt = v[s, n[s], "t_s"] - v[s, 1, "t_s"]; return dt > 0 ? 100 * delta(s, "cpu_ticks") / hz / dt : "" }
    function f(x, fmt) { return x == "" || x == "null" ? "n/a" : sprintf(fmt, x) }
    function mib(x) { return f(x == "" || x == "null" ? "" : x / 1024, "%.1f") }
    END {
        split("a b", S, " ")
        split("rss_kib heap_used_kib heap_live_kib heap_committed_kib direct_kib nonheap_kib fds threads", M, " ")
        if (mode == "json") {
            print "  \"samples\": ["
            first = 1
            for (si = 1; si <= 2; si++) {
                s = S[si]
                for (i = 1; i <= n[s]; i++) {
                    printf "%s    {\"side\": \"%s\"", first ? "" : ",\n", s; first = 0
                    for (c = 2; c <= ncol; c++) printf ", \"%s\": %s", col[c], jv(v[s, i, col[c]])
                    printf ", \"rx_mbps\": %s, \"cpu_percent\": %s}", jv(f(mbps(s, i), "%.1f")), jv(f(cpu(s, i), "%.1f"))
                }
            }
            print "\n  ],"
            print "  \"summary\": {"
            for (si = 1; si <= 2; si++) {
                s = S[si]; w = wstart(s)
                printf "    \"%s\": {\"warmup_end_t_s\": %d, \"end_t_s\": %d,\n", s, v[s, w, "t_s"], v[s, n[s], "t_s"]
                for (m = 1; m <= 8; m++) {
                    c = M[m]
                    printf "      \"%s\": {\"start\": %s, \"warmup_end\": %s, \"end\": %s, \"min_after_warmup\": %s, \"max_after_warmup\": %s, \"trend_after_warmup\": %s, \"flat\": %s},\n",
                        c, jv(v[s, 1, c]), jv(v[s, w, c]), jv(v[s, n[s], c]), jv(mn(s, c)), jv(mx(s, c)), jv(f(trend(s, c), "%.0f")),
                        c ~ /^heap_(used|committed)/ ? "null" : flat(s, c)
                }
                printf "      \"handshakes_completed\": %s, \"rekeys\": %s, \"latest_handshake_changes\": %d, \"handshakes_failed\": %s, \"drops\": %s,\n",
                    jv(delta(s, "handshakes")), jv(delta(s, "rekeys")), distinct(s, "latest_handshake"), jv(delta(s, "handshakes_failed")), jv(delta(s, "drops"))
                printf "      \"avg_rx_mbps\": %s, \"avg_cpu_percent\": %s}%s\n", jv(f(avg_mbps(s), "%.1f")), jv(f(avg_cpu(s), "%.1f")), si < 2 ? "," : ""
            }
            print "  },"
            exit
        }
        name["a"] = "A (wgsoak0, initiator, iperf3 client)"; name["b"] = "B (wgsoak1, responder, iperf3 server)"
        label["rss_kib"] = "RSS MiB"; label["heap_used_kib"] = "heap used MiB"; label["heap_live_kib"] = "heap live after GC MiB"
        label["heap_committed_kib"] = "heap committed MiB"; label["direct_kib"] = "direct buffers MiB"; label["nonheap_kib"] = "non-heap used MiB"
        label["fds"] = "open fds"; label["threads"] = "threads"
        print "### Summary"
        print ""
        printf "| | A | B |\n|---|---:|---:|\n"
        for (m = 1; m <= 8; m++) {
            c = M[m]; isk = c ~ /_kib$/
            printf "| %s: start / warm-up end / end |", label[c]
            for (si = 1; si <= 2; si++) { s = S[si]; w = wstart(s)
                if (isk) printf " %s / %s / %s |", mib(v[s, 1, c]), mib(v[s, w, c]), mib(v[s, n[s], c])
                else printf " %s / %s / %s |", v[s, 1, c], v[s, w, c], v[s, n[s], c] }
            print ""
            printf "| %s: min-max after warm-up (trend) |", label[c]
            for (si = 1; si <= 2; si++) { s = S[si]
                if (isk) printf " %s-%s (%s%s) |", mib(mn(s, c)), mib(mx(s, c)), (trend(s, c) >= 0 ? "+" : ""), mib(trend(s, c))
                else printf " %s-%s (%s%s) |", mn(s, c), mx(s, c), (trend(s, c) >= 0 ? "+" : ""), f(trend(s, c), "%.1f") }
            print ""
        }
        printf "| handshakes completed / rekeys started (during the run) |"
        for (si = 1; si <= 2; si++) { s = S[si]; printf " %s / %s |", f(delta(s, "handshakes"), "%d"), f(delta(s, "rekeys"), "%d") }
        print ""
        printf "| new latest-handshake times seen in the samples |"
        for (si = 1; si <= 2; si++) printf " %d |", distinct(S[si], "latest_handshake")
        print ""
        printf "| handshake messages rejected / packets dropped |"
        for (si = 1; si <= 2; si++) { s = S[si]; printf " %s / %s |", f(delta(s, "handshakes_failed"), "%d"), f(delta(s, "drops"), "%d") }
        print ""
        printf "| Mbit/s received (average) / CPU %% of one core (average) |"
        for (si = 1; si <= 2; si++) { s = S[si]; printf " %s / %s |", f(avg_mbps(s), "%.1f"), f(avg_cpu(s), "%.1f") }
        print ""
        print ""
        print "Trend: the least-squares slope over the samples after the warm-up, times the length of that window."
        print ""
        for (si = 1; si <= 2; si++) {
            s = S[si]
            printf "### Samples, gateway %s\n\n", name[s]
            print "| t s | RSS MiB | heap used MiB | heap live MiB | heap committed MiB | direct MiB | non-heap MiB | fds | threads | handshakes | rekeys | dropped | Mbit/s rx | CPU % |"
            print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
            for (i = 1; i <= n[s]; i++) {
                printf "| %d%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", v[s, i, "t_s"], i == wstart(s) ? " (warm-up end)" : "",
                    mib(v[s, i, "rss_kib"]), mib(v[s, i, "heap_used_kib"]), mib(v[s, i, "heap_live_kib"]), mib(v[s, i, "heap_committed_kib"]),
                    mib(v[s, i, "direct_kib"]), mib(v[s, i, "nonheap_kib"]), v[s, i, "fds"], v[s, i, "threads"], v[s, i, "handshakes"],
                    v[s, i, "rekeys"], v[s, i, "drops"], f(mbps(s, i), "%.1f"), f(cpu(s, i), "%.1f")
            }
            print ""
        }
    }' "$samples"
}
summary_json=$(report json)
flag() { # side metric: the "flat" of the summary (true, false or null)
    awk -v s="\"$1\": {" -v m="\"$2\": {" 'index($0, s) { in_s = 1 } in_s && index($0, m) { sub(/.*"flat": /, ""); sub(/}.*/, ""); print; exit }' <<<"$summary_json"
}
sget() { # side key: a scalar of the summary
    awk -v s="\"$1\": {" -v k="\"$2\": " 'index($0, s) { in_s = 1 } in_s && (p = index($0, k)) { x = substr($0, p + length(k)); sub(/[,}].*/, "", x); print x; exit }' <<<"$summary_json"
}

# Threads by name and fds by kind: what changed from the start to the warm-up's end, and from there to the end.
declare -A changed_warmup=() changed_after=()
for side in a b; do
    w=$(sget "$side" warmup_end_t_s)
    e=$(sget "$side" end_t_s)
    changed_warmup[$side]=$(inventory_change "$work/inventory.$side.0" "$work/inventory.$side.$w")
    changed_after[$side]=$(inventory_change "$work/inventory.$side.$w" "$work/inventory.$side.$e")
done

# Verdict.
expected_rekeys=$((duration / 120))
problems=() notes=()
[[ -z $died ]] || problems+=("a gateway died during the run")
for side in a b; do
    ((leaks[$side] == 0)) || problems+=("gateway ${side^^}: ${leaks[$side]} LEAK: line(s)")
    ((errors[$side] == 0)) || problems+=("gateway ${side^^}: ${errors[$side]} error line(s)")
    for m in rss_kib heap_live_kib; do
        [[ $(flag "$side" "$m") != false ]] || notes+=("gateway ${side^^}: $m grew by 5 % or more after the warm-up")
    done
done
rekeys_a=$(sget a rekeys)
[[ $rekeys_a != null && $rekeys_a -ge $((expected_rekeys > 0 ? expected_rekeys - 1 : 0)) ]] ||
    notes+=("gateway A started $rekeys_a rekeys, $expected_rekeys expected")
ping_loss=null
if [[ -n $ping_sent && -n $ping_recv && $ping_sent -gt 0 ]]; then
    ping_loss=$(calc "printf \"%.3f\", 100 * ($ping_sent - $ping_recv) / $ping_sent")
    ((ping_sent == ping_recv)) || notes+=("ping: $((ping_sent - ping_recv)) of $ping_sent lost")
else
    notes+=("ping: no summary")
fi
((iperf_failed == 0)) || notes+=("iperf3: $iperf_failed of $iperf_runs runs failed")
passed=true
((${#problems[@]} == 0)) || passed=false

json_str() { # a JSON string literal
    local s
    s=$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037')
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    s=${s//$'\t'/\\t}
    printf '"%s"' "$s"
}
json_strs() { local sep="" x; printf '['; for x in "$@"; do printf '%s%s' "$sep" "$(json_str "$x")"; sep=", "; done; printf ']'; }
{
    echo "{"
    echo "  \"started\": $(json_str "$started"), \"finished\": $(json_str "$finished"),"
    echo "  \"parameters\": {\"duration_s\": $duration, \"interval_s\": $interval, \"warmup_s\": $warmup, \"proto\": \"$proto\"," \
        "\"iperf3_bidir\": true, \"rate_per_direction\": $(json_str "$rate"), \"ping_interval_s\": 0.2, \"mtu\": 1420," \
        "\"java_opts\": $(json_str "$leak_option${java_opts:+ $java_opts}"), \"rekey_after_time_s\": 120, \"expected_rekeys\": $expected_rekeys},"
    echo "  \"machine\": {\"nproc\": $(nproc), \"cpu_model\": $(json_str "$cpu_model"), \"kernel\": $(json_str "$(uname -r)"),"
    echo "    \"java_version\": $(json_str "$java_version"), \"iperf3_version\": $(json_str "$iperf3_version"), \"wgate_commit\": $(json_str "$commit"),"
    echo "    \"gateway_command_line\": $(json_str "${cmdline[a]% }")},"
    echo "$summary_json"
    echo "  \"checks\": {\"passed\": $passed, \"problems\": $(json_strs "${problems[@]}"), \"warnings\": $(json_strs "${notes[@]}"),"
    echo "    \"leak_lines\": {\"a\": ${leaks[a]}, \"b\": ${leaks[b]}}, \"error_lines\": {\"a\": ${errors[a]}, \"b\": ${errors[b]}},"
    echo "    \"warning_lines\": {\"a\": ${warnings[a]}, \"b\": ${warnings[b]}},"
    echo "    \"threads_fds_changed_during_warmup\": {\"a\": $(json_str "${changed_warmup[a]}"), \"b\": $(json_str "${changed_warmup[b]}")},"
    echo "    \"threads_fds_changed_after_warmup\": {\"a\": $(json_str "${changed_after[a]}"), \"b\": $(json_str "${changed_after[b]}")},"
    echo "    \"ping\": {\"sent\": ${ping_sent:-null}, \"received\": ${ping_recv:-null}, \"loss_percent\": $ping_loss," \
        "\"min_ms\": $ping_min, \"avg_ms\": $ping_avg, \"max_ms\": $ping_max, \"no_answer_before_next_at_t_s\": [${ping_late_at}]},"
    echo "    \"iperf3\": {\"runs\": $iperf_runs, \"failed\": $iperf_failed}}"
    echo "}"
} >"$out"

warn_list() { # log: the distinct WARNING messages, timestamps cut
    sed -n 's/^[^ ]* WARNING //p' "$1" | sort | uniq -c | sed 's/^ *\([0-9]*\) /\1 x /' | head -n 10
}
{
    echo "## Soak, $started"
    echo
    echo "Machine: $(nproc) CPU, $cpu_model, kernel $(uname -r). wgate commit $commit on ${java_version%%$'\n'*}."
    echo "Run: $duration s, a sample every $interval s, warm-up $warmup s; iperf3 $proto --bidir at $rate per direction" \
        "($iperf_runs run(s), $iperf_failed failed); ping -i 0.2 alongside; gateways with $leak_option${java_opts:+ $java_opts}."
    echo
    if [[ $passed == true ]]; then echo "**Passed**: no leak, no error line, both gateways ran to the end."; else echo "**Failed**: ${problems[*]}."; fi
    for x in "${notes[@]}"; do echo "- warning: $x"; done
    echo
    echo "- LEAK: lines: A ${leaks[a]}, B ${leaks[b]}. Error lines (ERROR, SEVERE, Exception, OutOfMemory): A ${errors[a]}, B ${errors[b]}."
    echo "- Ping: ${ping_sent:-?} sent, ${ping_recv:-?} received, loss ${ping_loss} %; RTT min/avg/max $ping_min/$ping_avg/$ping_max ms${ping_late_at:+; no answer before the next ping (late or lost) at t = $ping_late_at s}."
    echo "- Rekeys during the run (after the first handshake, before t = 0): A started $(sget a rekeys) ($expected_rekeys expected);" \
        "handshakes completed A $(sget a handshakes_completed), B $(sget b handshakes_completed); new latest-handshake times seen" \
        "in the samples A $(sget a latest_handshake_changes), B $(sget b latest_handshake_changes)."
    for side in a b; do
        echo "- ${side^^}: threads by name and fds by kind that changed in the warm-up: ${changed_warmup[$side]:-none}; after it: ${changed_after[$side]:-none}."
    done
    for side in a b; do
        if ((warnings[$side])); then
            echo "- WARNING lines in ${side^^}'s log (${warnings[$side]}): $(warn_list "$base.$side.log" | paste -s -d ';' | sed 's/;/; /g')"
        fi
    done
    echo
    report md
} | tee "$md_out"

say "JSON: $out"
say "Markdown: $md_out"
say "logs: $base.a.log $base.b.log"
if [[ $passed != true ]]; then
    say "FAILED: ${problems[*]}"
    exit 1
fi
