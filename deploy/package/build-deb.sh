#!/usr/bin/env bash
# Builds wgate's Debian package for bare-metal gateways: OUTDIR/wgate_VERSION_ARCH.deb (OUTDIR: target/ at the
# repository's root unless given), and prints its path.
#
#   deploy/package/build-deb.sh [OUTDIR]      (needs a JDK 25: JAVA_HOME, or one under /usr/lib/jvm; and dpkg-deb)
#
# The package: stage.sh's installed layout (/usr/bin/wgate, /usr/bin/wgate-userspace, /usr/lib/wgate with the jlink
# runtime, the jar, jvm.options and the AOT cache), the systemd unit as /lib/systemd/system/wgate@.service, the
# example configurations under /usr/share/doc/wgate/examples/, /etc/wireguard (0700, as wireguard-tools has it) and
# the files in deploy/package/debian/ (copyright, README.Debian, lintian's overrides, maintainer scripts). The
# version is the pom's, in Debian's ordering (0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT, which sorts before 0.1.0).
# DEBFULLNAME and DEBEMAIL set the Maintainer field.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
outdir=${1:-$root/target}
jar=$root/gateway-server/target/wgate.jar
debian=$root/deploy/package/debian

fail() { echo "build-deb.sh: $*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || fail "needs dpkg-deb (Debian's dpkg package)"

jdk_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }
if [[ -z ${JAVA_HOME:-} ]]; then
    for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*25*; do
        if [[ -x $candidate/bin/jlink && $(jdk_major "$candidate") -ge 25 ]] 2>/dev/null; then
            export JAVA_HOME=$candidate
            break
        fi
    done
fi
[[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/jlink ]] || fail "needs a JDK 25 with jlink: set JAVA_HOME"
[[ $(jdk_major "$JAVA_HOME") -ge 25 ]] 2>/dev/null || fail "JAVA_HOME=$JAVA_HOME is not a JDK 25 or newer"

# The project's version: the first <version> at the pom's top level (the parent's own).
pom_version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -n 1)
version=${pom_version//-/\~}
[[ $version =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || fail "cannot make a Debian version of the pom's version '$pom_version'"
arch=$(dpkg --print-architecture)

# The jar is rebuilt when it is missing or older than a source or pom (build output under target/ does not count).
if [[ ! -f $jar || -n $(find "$root" \( -name .git -o -name target \) -prune -o \( -name '*.java' -o -name pom.xml \) \
                          -newer "$jar" -print -quit) ]]; then
    echo "build-deb.sh: building $jar" >&2
    (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
        ./mvnw -q -B -DskipTests -pl gateway-server -am package >&2)
fi

pkg=$root/target/deb/wgate_${version}_$arch
rm -rf "$pkg"
mkdir -p "$pkg"
"$root/deploy/package/stage.sh" "$pkg"

install -D -m 0644 "$root/deploy/systemd/wgate@.service" "$pkg/lib/systemd/system/wgate@.service"
doc=$pkg/usr/share/doc/wgate
install -d -m 0755 "$doc/examples"
install -m 0644 "$root"/deploy/examples/*.conf "$doc/examples/"
install -m 0644 "$debian/copyright" "$debian/README.Debian" "$doc/"
install -D -m 0644 "$debian/lintian-overrides" "$pkg/usr/share/lintian/overrides/wgate"
install -d -m 0700 "$pkg/etc/wireguard"

# A native package's changelog: one entry for this build, dated by the commit it was built from where there is one.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
maintainer="${DEBFULLNAME:-wgate maintainers} <${DEBEMAIL:-maintainers@wgate.invalid}>"
{
    echo "wgate ($version) UNRELEASED; urgency=medium"
    echo
    echo "  * Built from the wgate sources, version $pom_version, commit $commit."
    echo
    echo " -- $maintainer  $(LC_ALL=C date -u -R -d "@$epoch")"
} | gzip -9n >"$doc/changelog.gz"

# Permissions as Debian expects them (jlink leaves some files read-only); /etc/wireguard keeps 0700.
find "$pkg" -type d ! -path "$pkg/etc/wireguard" -exec chmod 0755 {} +
find "$pkg" -type f -perm /111 -exec chmod 0755 {} +
find "$pkg" -type f ! -perm /111 -exec chmod 0644 {} +

install -d -m 0755 "$pkg/DEBIAN"
install -m 0755 "$debian/postinst" "$debian/prerm" "$debian/postrm" "$pkg/DEBIAN/"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    >"$pkg/DEBIAN/md5sums"
# Depends, from what runs: the runtime's and Netty's native libraries need only glibc (2.17 symbols at most; the JDK
# carries its own zlib), the AEAD binds libcrypto.so.3 (libssl3), and the gateway runs `ip` (iproute2). Full tunnels
# run `nft` and `sysctl`; `wg` and `wg-quick` drive or inspect a gateway; `wgate demo` pings.
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: wgate
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Depends: libc6 (>= 2.17), libssl3, iproute2
Recommends: wireguard-tools, nftables, procps
Suggests: iputils-ping, wireguard-go
Section: net
Priority: optional
Description: WireGuard-compatible site-to-site VPN gateway
 wgate speaks the WireGuard protocol byte for byte (it interoperates with the
 Linux kernel, wireguard-go and MikroTik RouterOS), reads wg-quick style
 configuration files and serves WireGuard's cross-platform API, so that wg
 works against it. It runs one gateway per /etc/wireguard/NAME.conf as the
 systemd service wgate@NAME.
 .
 The package carries its own Java runtime (made with jlink) and an AOT cache
 for fast start-up; no Java installation is needed.
CONTROL

mkdir -p "$outdir"
deb=$outdir/wgate_${version}_$arch.deb
# xz at level 0: 43 MB in about 8 s, where xz's default (6) takes about 100 s for 40 MB (Debian's archive formats are
# xz and gzip; lintian rejects zstd).
dpkg-deb --root-owner-group -Zxz -z0 --build "$pkg" "$deb" >&2
echo "build-deb.sh: $deb ($(du -h "$deb" | cut -f1))" >&2
echo "$deb"
