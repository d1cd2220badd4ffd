#!/usr/bin/env bash
# Process hardening, measured through the server's own launcher (bench/Hardening.java):
#   1. spawn rate of a static C hello as the server (root) and as nobody/nogroup, with and without the default
#      limits, alternating within each rep (target: switched >= 0.85 x same user);
#   2. the limits window: how long a static program's main() runs before its prlimit'ed limits are in place.
# Needs root (the switch is what is measured). Usage: sudo bench/hardening.sh   env: N=1000 REPS=5 WINDOW_N=2000
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"
N=${N:-1000}; REPS=${REPS:-5}; WINDOW_N=${WINDOW_N:-2000}
[ "$(id -u)" = 0 ] || { echo "hardening.sh: run as root" >&2; exit 2; }
(cd "$root" && mvn -o -q -B compile >&2)
work=$(mktemp -d /tmp/tracegate-hardening.XXXXXX); trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
gcc -O2 -static -o "$work/hello" "$root/bench/hello.c"
gcc -O2 -static -o "$work/limits-window" "$root/bench/limits-window.c"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED
      -XX:+UseSerialGC -cp "$root/target/classes" "$root/bench/Hardening.java")
echo "## spawn rate, static hello, N=$N per configuration per rep, REPS=$REPS ($(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"
"${java[@]}" rate "$work/hello" "$N" "$REPS"
echo
echo "## limits window, static limits-window, default limits (coreBytes=0, applied last), N=$WINDOW_N"
echo "| runs as | launches | limits in place at main() | late: median | late: p99 | late: max |"
echo "|---|---|---|---|---|---|"
"${java[@]}" window "$work/limits-window" "$WINDOW_N"
