#!/bin/bash
# Packs what benchmarks/device/run.sh needs on a bare lent machine (the `device` tool's 16-core machine: nothing
# installed, no network) into DIR (default .dev, which .gitignore keeps out of git; name it in the tool's `carry`):
#   jre.tar.gz        a jlink'd runtime with the modules of the Debian package (deploy/package/stage.sh)
#   wgate.jar         gateway-server/target/wgate.jar, and jvm.options (deploy/jvm.options, the JVM's settings)
#   bin/              wireguard-go from bookworm-backports (TUN offloads; fetched into the cache below when
#                     missing, with a private APT configuration: the system's sources stay as they are),
#                     Debian's older wireguard-go as wireguard-go-2022, wg, ip, iperf3
#   lib/              their libraries beyond glibc (they need glibc <= 2.36, the lent machine has 2.39)
#   run.sh            the run itself
# Run from the project root after `./mvnw -q package -DskipTests -pl gateway-server -am`. About 50 MB.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/.dev}
jdk=${JAVA_HOME:?make-bundle.sh: set JAVA_HOME to a JDK 25}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/wggo-bpo
modules=$(sed -n 's/^modules=//p' "$root/deploy/package/stage.sh")
[ -n "$modules" ] || { echo "make-bundle: no modules= line in deploy/package/stage.sh" >&2; exit 1; }
[ -f "$root/gateway-server/target/wgate.jar" ] || { echo "make-bundle: build wgate.jar first" >&2; exit 1; }

if [ ! -x "$cache/usr/bin/wireguard-go" ]; then
    apt_dir=$(mktemp -d)
    trap 'rm -rf "$apt_dir"' EXIT
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
    echo "deb http://deb.debian.org/debian bookworm-backports main" > "$apt_dir/sources.list"
    apt_opts=(-o Dir::Etc::sourcelist="$apt_dir/sources.list" -o Dir::Etc::sourceparts=- \
        -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache::Archives="$apt_dir/archives" -o APT::Sandbox::User=root)
    apt-get -qq "${apt_opts[@]}" update
    (cd "$apt_dir" && apt-get -qq "${apt_opts[@]}" download wireguard-go/bookworm-backports)
    mkdir -p "$cache"
    dpkg-deb -x "$apt_dir"/wireguard-go_*.deb "$cache"
fi

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"
jre=$(mktemp -d)
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-9 \
    --output "$jre/jre"
tar -C "$jre" -czf "$out/jre.tar.gz" jre
rm -rf "$jre"
cp "$root/gateway-server/target/wgate.jar" "$root/deploy/jvm.options" "$out/"
cp "$cache/usr/bin/wireguard-go" "$out/bin/wireguard-go"
cp /usr/bin/wireguard-go "$out/bin/wireguard-go-2022"
cp /usr/bin/wg /usr/bin/ip /usr/bin/iperf3 "$out/bin/"
for binary in /usr/bin/wg /usr/bin/ip /usr/bin/iperf3; do
    ldd "$binary" | awk '$3 ~ /^\// {print $3}'
done | sort -u | grep -vE '/(libc|libm|ld-linux-x86-64)\.so' | while read -r library; do
    cp -L "$library" "$out/lib/"
done
cp "$root/benchmarks/device/run.sh" "$out/run.sh"
git -C "$root" rev-parse --short HEAD > "$out/commit" 2>/dev/null || echo unknown > "$out/commit"
du -sh "$out"
