#!/usr/bin/env bash
# The container image's smoke test (CI runs it after `./mvnw verify`): builds deploy/docker/Dockerfile with podman,
# unchanged apart from its base images, and runs two gateways from it, one in each of two network namespaces joined
# by a veth pair, as README.md "Docker" says to run them:
#   container A: Docker's way: root in the container with only CAP_NET_ADMIN (--cap-drop ALL --cap-add NET_ADMIN), no
#                new privileges, a read-only root file system with empty tmpfs mounts on /run and /tmp
#   container B: podman's non-root way: the same as the image's user wgate (podman puts an added capability in the
#                ambient set of a non-root user), with a tmpfs /run owned by that user
# A's config is a full tunnel (AllowedIPs = 0.0.0.0/0). It checks the handshake (`wgate show` inside), a ping from one
# tunnel address to the other through the tunnel both ways, the full tunnel's rules, `podman healthcheck run`, the
# gateway's capabilities, the read-only root, and `podman stop`: exit status 0 and the interface (and A's rules) gone.
# Prints the image's size and the time of each step.
#
#   sudo deploy/ci/container-smoke.sh      (root; podman, runc, debootstrap; JAVA_HOME: a JDK 25)
#
# Base images are not pulled: the Debian one is imported from the rootfs of deploy/ci/rootfs.sh (shared with the .deb
# test, $WGATE_CI_ROOTFS), the JDK one is that plus the machine's JDK. The build container downloads Maven and the
# dependencies from Maven Central. Traffic stays inside the two namespaces (198.51.100.0/24 between them, 192.0.2.0/24
# in the tunnel); the namespaces, links and containers are named wgci* and removed on exit, with the temporary
# directory. The images stay (localhost/wgate-ci/*: the next run reuses their layers).
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
work=${WGATE_CI_WORK:-/var/tmp/wgate-ci}
rootfs=${WGATE_CI_ROOTFS:-$work/rootfs-bookworm}
jdk=${JAVA_HOME:?container-smoke.sh: set JAVA_HOME to a JDK 25}
base_image=localhost/wgate-ci/debian:bookworm-slim
jdk_image=localhost/wgate-ci/temurin:25-jdk
image=localhost/wgate-ci/wgate:smoke
ns_a=wgci-a ns_b=wgci-b

fail() { echo "container-smoke.sh: FAIL: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || fail "needs root (network namespaces, podman)"
for tool in podman runc debootstrap ip ping; do
    command -v "$tool" >/dev/null || fail "needs $tool (apt-get install podman runc debootstrap iproute2 iputils-ping)"
done

started=$SECONDS
step_start=$SECONDS
step() { # the previous step's time, then the next step's name
    echo "container-smoke.sh: [$((SECONDS - step_start)) s] ${1:-}" >&2
    step_start=$SECONDS
}

tmp=$(mktemp -d /tmp/wgci.XXXXXX)
cleanup() {
    local rc=$?
    if [[ $rc -ne 0 ]] && podman container exists wgci-a 2>/dev/null; then
        for c in wgci-a wgci-b; do
            echo "--- podman logs $c" >&2
            podman logs "$c" >&2 2>&1 || true
        done
    fi
    podman rm -f -t 0 wgci-a wgci-b >/dev/null 2>&1 || true
    ip netns del "$ns_a" 2>/dev/null || true
    ip netns del "$ns_b" 2>/dev/null || true
    rm -rf "$tmp"
    exit $rc
}
trap cleanup EXIT

# Podman's configuration for this run only: runc (crun refuses hybrid cgroup hierarchies), limits this machine allows,
# cgroups and events without systemd.
cat >"$tmp/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF=$tmp/containers.conf
podman rm -f -t 0 wgci-a wgci-b >/dev/null 2>&1 || true # left by a run that was killed
ip netns del "$ns_a" 2>/dev/null || true
ip netns del "$ns_b" 2>/dev/null || true

step "base images: Debian bookworm rootfs"
"$root/deploy/ci/rootfs.sh" "$rootfs"

step "base images: $base_image (the rootfs, slimmed as the Docker Official Image debian:bookworm-slim is)"
# No documentation, manual pages or translations, now or from packages installed later; no apt caches.
mkdir -p "$tmp/slim/etc/dpkg/dpkg.cfg.d" "$tmp/slim/etc/apt/apt.conf.d"
printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' 'path-exclude /usr/share/man/*' \
    'path-exclude /usr/share/groff/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/lintian/*' \
    'path-exclude /usr/share/locale/*' >"$tmp/slim/etc/dpkg/dpkg.cfg.d/wgate-ci-slim"
printf '%s\n' 'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' >"$tmp/slim/etc/apt/apt.conf.d/wgate-ci-slim"
tar -c -C "$rootfs" --exclude=./.wgate-rootfs --exclude='./usr/share/doc/*/*' --exclude='./usr/share/man/*' \
        --exclude='./usr/share/info/*' --exclude='./usr/share/locale/*' --exclude='./usr/share/lintian/*' . \
        -C "$tmp/slim" ./etc/dpkg/dpkg.cfg.d/wgate-ci-slim ./etc/apt/apt.conf.d/wgate-ci-slim \
    | podman import -q --change 'CMD ["bash"]' - "$base_image" >/dev/null

step "base images: $jdk_image (that plus the JDK in $jdk, as eclipse-temurin:25-jdk has it)"
# What the Dockerfile's JDK stage relies on in eclipse-temurin: curl (the Maven wrapper), binutils (jlink
# --strip-debug), apt-get. The JDK as a tar with its symbolic links followed (Debian's JDKs link cacerts to /etc), and
# the machine's CA certificates for curl (the JDK's cacerts are the machine's too).
mkdir -p "$tmp/jdk"
tar -C "$jdk" -chf "$tmp/jdk/jdk.tar" .
cp /etc/ssl/certs/ca-certificates.crt "$tmp/jdk/ca-certificates.crt"
cat >"$tmp/jdk/Containerfile" <<CONTAINERFILE
FROM $base_image
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils ca-certificates curl \\
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ADD jdk.tar /opt/java/openjdk/
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CONTAINERFILE
podman build -q --network host -t "$jdk_image" "$tmp/jdk" >/dev/null 2>"$tmp/jdk.log" \
    || { tail -n 20 "$tmp/jdk.log" >&2; fail "podman build of $jdk_image failed"; }
rm -rf "$tmp/jdk"

step "podman build -f deploy/docker/Dockerfile (Maven, jlink and AOT training inside)"
# --format docker: OCI image configs have no HEALTHCHECK. --network host: no bridge and NAT rules made on this machine.
if ! podman build --network host --format docker -f "$root/deploy/docker/Dockerfile" -t "$image" \
        --build-arg JDK_IMAGE="$jdk_image" --build-arg BASE_IMAGE="$base_image" "$root" >"$tmp/build.log" 2>&1; then
    tail -n 40 "$tmp/build.log" >&2
    fail "podman build failed"
fi
size=$(podman image inspect --format '{{.Size}}' "$image")
echo "container-smoke.sh: image $image: $size bytes ($(((size + 500000) / 1000000)) MB)" >&2

step "keys and configs"
key() { podman run --rm -i --network none --no-healthcheck "$image" "$@"; }
key_a=$(key genkey) key_b=$(key genkey)
pub_a=$(key pubkey <<<"$key_a") pub_b=$(key pubkey <<<"$key_b")
[[ $pub_a =~ ^[A-Za-z0-9+/]{43}=$ && $pub_b =~ ^[A-Za-z0-9+/]{43}=$ ]] || fail "wgate genkey/pubkey in the image: '$pub_a'"
conf() { # PRIVATE ADDRESS PEER_PUBLIC PEER_ENDPOINT ALLOWED_IPS
    printf '[Interface]\nPrivateKey = %s\nAddress = %s/24\nListenPort = 51820\n\n[Peer]\nPublicKey = %s\n' "$1" "$2" "$3"
    printf 'Endpoint = %s:51820\nAllowedIPs = %s\n' "$4" "$5"
}
mkdir -p "$tmp/a" "$tmp/b"
# A is a full tunnel (everything but the tunnel's own UDP goes into it: policy routing and wg-quick's nftables rules,
# made inside a container whose /proc/sys is read-only: src_valid_mark comes from --sysctl).
conf "$key_a" 192.0.2.1 "$pub_b" 198.51.100.2 0.0.0.0/0 >"$tmp/a/wg0.conf"
conf "$key_b" 192.0.2.2 "$pub_a" 198.51.100.1 192.0.2.1/32 >"$tmp/b/wg0.conf"
chmod 0600 "$tmp/a/wg0.conf" "$tmp/b/wg0.conf"
chown 990:990 "$tmp/b/wg0.conf" # the image's user wgate must read its config
# The non-root user opens /dev/net/tun itself: it must be mode 0666 as udev makes it. This machine's is 0600, so B
# gets a node of its own (podman copies the mode of the node it is given); the machine's is left alone.
mknod -m 0666 "$tmp/tun" c 10 200

step "two namespaces joined by veth, a gateway container in each"
ip netns add "$ns_a"
ip netns add "$ns_b"
ip link add wgci-va netns "$ns_a" type veth peer name wgci-vb netns "$ns_b"
ip -n "$ns_a" addr add 198.51.100.1/24 dev wgci-va
ip -n "$ns_b" addr add 198.51.100.2/24 dev wgci-vb
for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
ip -n "$ns_a" link set wgci-va up
ip -n "$ns_b" link set wgci-vb up
# The commands of README.md "Docker", with --network naming the namespace instead of publishing a port.
# A: Docker's. Docker's tmpfs mounts start empty and are noexec unless told `exec` (the JVM loads Netty's native
# transport from /tmp); podman's copy the image's directory and allow exec: spelled out, A gets Docker's.
# B: podman's, as the user wgate; `U` makes the tmpfs /run the user's.
# Podman runs a HEALTHCHECK from systemd timers; CI has no systemd, so podman says so on stderr (kept in
# $tmp/run.log) and the checks below run it with `podman healthcheck run`.
podman run -d --name wgci-a --network "ns:/run/netns/$ns_a" --sysctl net.ipv4.conf.all.src_valid_mark=1 \
    --cap-drop ALL --cap-add NET_ADMIN --device /dev/net/tun --security-opt no-new-privileges \
    --read-only --tmpfs /run:noexec,notmpcopyup --tmpfs /tmp:exec,notmpcopyup \
    -v "$tmp/a/wg0.conf:/etc/wireguard/wg0.conf:ro" "$image" >/dev/null 2>>"$tmp/run.log" \
    || { cat "$tmp/run.log" >&2; fail "podman run wgci-a"; }
podman run -d --name wgci-b --network "ns:/run/netns/$ns_b" \
    --cap-drop ALL --cap-add NET_ADMIN --device "$tmp/tun:/dev/net/tun" --security-opt no-new-privileges \
    --user wgate --read-only --tmpfs /run:U \
    -v "$tmp/b/wg0.conf:/etc/wireguard/wg0.conf:ro" "$image" >/dev/null 2>>"$tmp/run.log" \
    || { cat "$tmp/run.log" >&2; fail "podman run wgci-b"; }

step "checks"
for c in wgci-a wgci-b; do # up: the health check passes (the interface exists, the UAPI socket answers)
    for _ in $(seq 1 60); do
        [[ $(podman inspect --format '{{.State.Running}}' "$c") == true ]] || fail "$c exited"
        podman healthcheck run "$c" >/dev/null 2>&1 && break
        sleep 0.5
    done
    podman healthcheck run "$c" >/dev/null || fail "$c: podman healthcheck run: not healthy"
    [[ $(podman inspect --format '{{.State.Health.Status}}' "$c") == healthy ]] || fail "$c: health status not healthy"
    echo "container-smoke.sh: $c: healthy" >&2
done
[[ $(podman exec wgci-a id -u) == 0 && $(podman exec wgci-b id -u) == 990 ]] || fail "the containers' users are not 0 and 990"
for c in wgci-a wgci-b; do # the gateway's JVM: CAP_NET_ADMIN (bit 12), nothing else, and nothing more to gain
    podman exec "$c" sh -c 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/$(pgrep -x java)/status' >"$tmp/caps"
    if ! grep -q '^CapEff:[[:space:]]*0000000000001000$' "$tmp/caps" || ! grep -q '^CapBnd:[[:space:]]*0000000000001000$' \
            "$tmp/caps" || ! grep -q '^NoNewPrivs:[[:space:]]*1$' "$tmp/caps"; then
        cat "$tmp/caps" >&2
        fail "$c: the gateway's JVM should have CAP_NET_ADMIN only, and no new privileges"
    fi
done
ip netns exec "$ns_a" ping -c 3 -i 0.3 -W 2 -I 192.0.2.1 192.0.2.2 >/dev/null || fail "ping A -> B through the tunnel"
ip netns exec "$ns_b" ping -c 3 -i 0.3 -W 2 -I 192.0.2.2 192.0.2.1 >/dev/null || fail "ping B -> A through the tunnel"
echo "container-smoke.sh: ping through the tunnel: both ways" >&2
for c in wgci-a wgci-b; do
    podman exec "$c" wgate show wg0 >"$tmp/show" || fail "$c: wgate show wg0"
    grep -q 'latest handshake' "$tmp/show" || { cat "$tmp/show" >&2; fail "$c: wgate show: no handshake"; }
    grep -q 'transfer' "$tmp/show" || { cat "$tmp/show" >&2; fail "$c: wgate show: no transfer"; }
done
echo "container-smoke.sh: wgate show inside: handshake and transfer on both" >&2
# Into files first: `ip rule | grep -q` fails under pipefail whenever grep's early exit gives ip a SIGPIPE.
ip -n "$ns_a" rule >"$tmp/rules"
ip netns exec "$ns_a" nft list tables >"$tmp/tables"
grep -q 'lookup main suppress_prefixlength 0' "$tmp/rules" || fail "wgci-a: no full-tunnel policy rule"
grep -q 'wg-quick-wg0' "$tmp/tables" || fail "wgci-a: no full-tunnel nftables table"
echo "container-smoke.sh: full tunnel in A: policy routing and nftables rules in place" >&2
# The read-only root holds (for root in A too: its capabilities do not reach past file permissions or a read-only mount).
for c in wgci-a wgci-b; do
    if podman exec "$c" sh -c 'echo x >/etc/wgci-probe' 2>/dev/null; then fail "$c: the root file system is writable"; fi
done

step "podman stop"
# The gateway takes SIGTERM (from tini, PID 1) as an orderly stop: it removes its interface and exits 0.
for c in wgci-a wgci-b; do
    podman stop -t 30 "$c" >/dev/null 2>>"$tmp/run.log"
    status=$(podman inspect --format '{{.State.ExitCode}}' "$c")
    [[ $status == 0 ]] || fail "$c: podman stop: exit status $status, expected 0"
done
ip -n "$ns_a" link show wg0 >/dev/null 2>&1 && fail "wgci-a: wg0 is still in $ns_a after the stop"
ip -n "$ns_b" link show wg0 >/dev/null 2>&1 && fail "wgci-b: wg0 is still in $ns_b after the stop"
ip -n "$ns_a" rule >"$tmp/rules"
ip netns exec "$ns_a" nft list tables >"$tmp/tables"
grep -q suppress_prefixlength "$tmp/rules" && fail "wgci-a: the full-tunnel policy rules outlived the stop"
grep -q 'wg-quick-wg0' "$tmp/tables" && fail "wgci-a: the nftables table outlived the stop"
echo "container-smoke.sh: podman stop: exit status 0, interfaces, rules and tables gone" >&2

step
echo "container-smoke.sh: OK in $((SECONDS - started)) s; image $(((size + 500000) / 1000000)) MB" >&2
