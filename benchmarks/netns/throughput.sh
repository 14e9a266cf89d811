#!/usr/bin/env bash
# The first namespace benchmark's command line, kept for the figures recorded with it in benchmarks/README.md:
# wgate against wireguard-go (the wgate and wggo pairs of bench.sh), one TCP stream and ping, the pairs
# alternating (A B A B ...). Everything else, and the defaults, are bench.sh's; see bench.sh --help.
# bench.sh also pings the idle tunnel before the TCP test and under load during it, warms each pair up for
# 2 s first, and reports CPU seconds per GB for each daemon instead of the CPU seconds of both.
#
#   sudo benchmarks/netns/throughput.sh [rounds] [seconds] [bench.sh options]   (defaults: 2 rounds of 10 s)
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
rounds=2
seconds=10
if [[ ${1:-} =~ ^[0-9]+$ ]]; then rounds=$1; shift; fi
if [[ ${1:-} =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
exec "$here/bench.sh" --rounds "$rounds" --seconds "$seconds" --pairs wgate,wggo --tests tcp1,ping "$@"
