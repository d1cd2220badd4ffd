#!/usr/bin/env bash
# Process hardening, measured through the server's own launchers (bench/Hardening.java):
#   1. spawn rate of a static C hello with the default limits, alternating within each rep: NativeLauncher as the
#      server (root, no switch: the baseline) and as nobody (per-thread switch), the spawn helper as nobody and as
#      the server (target: helper as nobody >= 0.85 x the baseline);
#   2. the limits window: how long a static program's main() runs before its limits are in place, per launcher.
# Needs root (the switch is what is measured) and gcc (the helper is built by mvn compile, the programs here).
# Usage: sudo bench/hardening.sh   env: N=1000 REPS=5 WINDOW_N=2000
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"
N=${N:-1000}; REPS=${REPS:-5}; WINDOW_N=${WINDOW_N:-2000}
[ "$(id -u)" = 0 ] || { echo "hardening.sh: run as root" >&2; exit 2; }
(cd "$root" && mvn -o -q -B compile >&2)
[ -e "$root/target/classes/org/tracegate/process/tracegate-spawn-$(uname -m)" ] || { echo "hardening.sh: no spawn helper was built (gcc?)" >&2; exit 2; }
work=$(mktemp -d /tmp/tracegate-hardening.XXXXXX); trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
gcc -O2 -static -o "$work/hello" "$root/bench/hello.c"
gcc -O2 -static -o "$work/limits-window" "$root/bench/limits-window.c"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED
      -XX:+UseSerialGC -cp "$root/target/classes" "$root/bench/Hardening.java")
echo "## spawn rate, static hello, default limits, N=$N per configuration per rep, REPS=$REPS ($(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"
"${java[@]}" rate "$work/hello" "$N" "$REPS"
echo
echo "## limits window, static limits-window, default limits (coreBytes=0, applied last by prlimit), N=$WINDOW_N ($(cut -d' ' -f1 /proc/loadavg))"
echo "| launcher, runs as | launches | limits in place at main() | late: median | late: p99 | late: max |"
echo "|---|---|---|---|---|---|"
"${java[@]}" window "$work/limits-window" "$WINDOW_N"
