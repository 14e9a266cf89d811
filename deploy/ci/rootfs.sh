#!/usr/bin/env bash
# Makes a Debian bookworm root file system (debootstrap --variant=minbase) in DIR, or reuses the one already there,
# for the tests that need a clean Debian: the container image's base (deploy/ci/container-smoke.sh imports it with
# podman) and the .deb install test (deploy/ci/deb-smoke.sh installs the package in a copy of it). CI makes it once.
#
#   sudo deploy/ci/rootfs.sh DIR        (needs root and debootstrap; MIRROR overrides the Debian mirror)
#
# A finished rootfs has DIR/.wgate-rootfs (written last), so an interrupted run is redone, never reused half made.
set -euo pipefail

dir=${1:?usage: rootfs.sh DIR}
suite=bookworm
mirror=${MIRROR:-http://deb.debian.org/debian}

if [[ -f $dir/.wgate-rootfs ]]; then
    echo "rootfs.sh: reusing the $suite rootfs in $dir" >&2
    exit 0
fi
command -v debootstrap >/dev/null || { echo "rootfs.sh: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "rootfs.sh: needs root (debootstrap makes device nodes and chowns)" >&2; exit 1; }

rm -rf "$dir"
mkdir -p "$dir"
echo "rootfs.sh: debootstrap --variant=minbase $suite into $dir (about a minute)" >&2
if ! debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1; then
    echo "rootfs.sh: debootstrap failed; the last lines of its log ($dir.debootstrap.log):" >&2
    tail -n 20 "$dir.debootstrap.log" >&2
    exit 1
fi
# The security and updates suites too, as on a real installation (the image's packages then come from them).
cat >"$dir/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${MIRROR_SECURITY:-http://deb.debian.org/debian-security} $suite-security main
SOURCES
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
date -u +%Y-%m-%dT%H:%M:%SZ >"$dir/.wgate-rootfs"
echo "rootfs.sh: done ($(du -sh "$dir" | cut -f1))" >&2
