#!/usr/bin/env bash
# JMH benchmarks of the hot pure code (ResponseHeadParser, CgiEnvironment.build): ns/op and bytes allocated
# per op (-prof gc: gc.alloc.rate.norm). Built by the -jmh Maven profile into a separate build dir so the
# server's target/tracegate.jar is left alone; the profile writes target/benchmarks.jar.
# Usage: bench/jmh.sh [JMH args...]      e.g. bench/jmh.sh -f 2 -i 10   (default: 1 fork, 3x1s warm-up, 5x1s)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"
(cd "$root" && mvn -q -B -Pjmh -DbuildDir="$root/target/jmh-build" -DskipTests package >&2)
out=$(mktemp /tmp/tracegate-jmh.XXXXXX.json); trap 'rm -f "$out"' EXIT
"$JAVA_HOME/bin/java" -jar "$root/target/benchmarks.jar" 'org.tracegate.bench.(ResponseHeadParser|CgiEnvironment)Bench' \
    -prof gc -rf json -rff "$out" "$@" >&2
# Keep only the two figures the team tracks: time per op and allocation per op.
python3 - "$out" <<'PY'
import json, sys
print("| benchmark | ns/op | ± (99.9%) | B/op allocated |\n|---|---|---|---|")
for b in json.load(open(sys.argv[1])):
    m = b["primaryMetric"]; alloc = b["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    print(f"| {b['benchmark'].split('.')[-2]}.{b['benchmark'].split('.')[-1]} | {m['score']:.0f} | {m['scoreError']:.0f} | {alloc:.0f} |")
PY
