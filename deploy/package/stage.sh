#!/usr/bin/env bash
# Makes wgate's installed layout in OUTDIR: what the .deb installs and what the container image copies.
#
#   deploy/package/stage.sh OUTDIR      (JAVA_HOME: a JDK 25; builds gateway-server/target/wgate.jar if missing)
#
#   OUTDIR/usr/lib/wgate/runtime/      a Java runtime made by jlink with only the modules wgate needs (about 49 MB)
#   OUTDIR/usr/lib/wgate/wgate.jar     the gateway
#   OUTDIR/usr/lib/wgate/jvm.options   deploy/jvm.options: the JVM's sizing, read as a java @argfile
#   OUTDIR/usr/lib/wgate/wgate.aot     the JDK's AOT cache (JEP 483/514/515) from a training run of this jar on this
#                                      runtime: `wgate genkey` and the gateway's start take about half the time
#   OUTDIR/usr/bin/wgate               the command: runs the runtime directly (no build, no JDK search)
#   OUTDIR/usr/bin/wgate-userspace     wg-quick's userspace implementation (wireguard-go's command line)
#
# The launchers find their lib directory relative to themselves, so the tree works wherever it is copied (the AOT
# cache is used where it matches: the JVM checks the runtime and the jar, and runs without it otherwise).
set -euo pipefail

out=${1:?usage: stage.sh OUTDIR}
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
jdk=${JAVA_HOME:?stage.sh: set JAVA_HOME to a JDK 25}
jar=$root/gateway-server/target/wgate.jar

# The modules of `jdeps --print-module-deps` on wgate.jar (its libraries' too: Micrometer's JVM and JFR binders,
# Netty, BouncyCastle) plus java.logging and java.management, which jdeps names only with -s.
modules=java.base,java.logging,java.management,java.naming,java.sql,jdk.jfr,jdk.management,jdk.unsupported

if [[ ! -f $jar ]]; then
    echo "stage.sh: building $jar" >&2
    (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
        ./mvnw -q -B -DskipTests -pl gateway-server -am package >&2)
fi

lib=$out/usr/lib/wgate
rm -rf "$lib" "$out/usr/bin/wgate" "$out/usr/bin/wgate-userspace"
mkdir -p "$out/usr/lib" "$out/usr/bin"
echo "stage.sh: jlink $modules" >&2
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --output "$lib/runtime"
cp "$jar" "$lib/wgate.jar"
cp "$root/deploy/jvm.options" "$lib/jvm.options"
chmod 0644 "$lib/wgate.jar" "$lib/jvm.options"

cat >"$out/usr/bin/wgate" <<'LAUNCHER'
#!/bin/sh
# wgate: a WireGuard gateway (see `wgate help`). Runs the bundled Java runtime with the options in jvm.options;
# WGATE_JAVA_OPTS adds to them (and wins), WGATE_AOT=off runs without the AOT cache.
lib=$(dirname "$(readlink -f "$0")")/../lib/wgate
aot=
if [ "${WGATE_AOT:-on}" != off ] && [ -f "$lib/wgate.aot" ]; then
    aot="-XX:AOTCache=$lib/wgate.aot -Xlog:aot=off -Xlog:cds=off"
fi
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" # fewer malloc arenas: less resident memory (jvm.options)
# shellcheck disable=SC2086 # $aot and WGATE_JAVA_OPTS are lists of words
exec "$lib/runtime/bin/java" "@$lib/jvm.options" $aot ${WGATE_JAVA_OPTS:-} -jar "$lib/wgate.jar" "$@"
LAUNCHER
cat >"$out/usr/bin/wgate-userspace" <<'LAUNCHER'
#!/bin/sh
# wgate as wg-quick's userspace implementation, with wireguard-go's command line:
#   WG_QUICK_USERSPACE_IMPLEMENTATION=wgate-userspace wg-quick up wg0
exec "$(dirname "$(readlink -f "$0")")/wgate" userspace "$@"
LAUNCHER
chmod 0755 "$out/usr/bin/wgate" "$out/usr/bin/wgate-userspace"

# The AOT cache: a training run that needs neither root nor the network (io.wgate.server.cli.AotTraining), with the
# same options as the real runs. A failed training leaves no cache: wgate then works, only starts slower. The cache
# holds the classes, linked, but not the training's method profiles (-AOTRecordTraining, a diagnostic flag): those
# profiles are of a rehearsal, not of traffic; without them the gateway idles in 1 MiB less (no profile replay at
# start) and `wgate genkey` is no slower (benchmarks/README.md, "Footprint").
echo "stage.sh: training the AOT cache" >&2
if ! "$lib/runtime/bin/java" "@$lib/jvm.options" -XX:AOTCacheOutput="$lib/wgate.aot" -Xlog:aot=off -Xlog:cds=off \
        -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
        -cp "$lib/wgate.jar" io.wgate.server.cli.AotTraining >"$out/aot-training.log" 2>&1 || [[ ! -s $lib/wgate.aot ]]; then
    echo "stage.sh: the AOT training run failed (see $out/aot-training.log); no cache" >&2
    rm -f "$lib/wgate.aot" "$lib/wgate.aot.config"
    exit 1
fi
rm -f "$lib/wgate.aot.config" "$out/aot-training.log"
chmod 0644 "$lib/wgate.aot"
echo "stage.sh: $out ($(du -sh "$lib" | cut -f1) in usr/lib/wgate)" >&2
