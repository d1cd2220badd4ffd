#!/usr/bin/env bash
# How many concurrent posix_spawn callers are best on this machine? Runs the C loop (bench/spawn.c) and the
# server's own launcher from Java (org.tracegate.bench.SpawnConcurrency: NativeLauncher over FFM, reaper,
# pipes drained to EOF) with 1, 2 and 4 spawner threads, the same total number of spawns each, alternating
# C and Java within each rep (rep loop outermost) so noise hits both alike.
# Usage: bench/spawn-concurrency.sh      env: N=1200 (spawns per configuration) REPS=3
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"
N=${N:-1200}; REPS=${REPS:-3}
[ -f "$root/target/benchmarks.jar" ] || (cd "$root" && mvn -q -B -Pjmh -DbuildDir="$root/target/jmh-build" -DskipTests package >&2)
work=$(mktemp -d /tmp/tracegate-spawn.XXXXXX); trap 'rm -rf "$work"' EXIT
gcc -O2 -static -o "$work/hello" "$root/bench/hello.c"
gcc -O2 -pthread -o "$work/spawn" "$root/bench/spawn.c"
rate() { sed -n 's/.*spawns_per_sec=\([0-9]*\).*/\1/p'; }
printf 'rep\tlang\tthreads\tspawns/s\n' > "$work/out.tsv"
for rep in $(seq 1 "$REPS"); do
    for t in 1 2 4; do
        c=$("$work/spawn" posix_spawn "$work/hello" $((N / t)) $t | rate)
        # 200 warm-up spawns (JIT of the FFM stubs) precede the timed part inside the JVM.
        j=$("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp "$root/target/benchmarks.jar" \
            org.tracegate.bench.SpawnConcurrency "$work/hello" $((N / t)) $t 200 | rate)
        printf '%s\tC\t%s\t%s\n%s\tJava\t%s\t%s\n' $rep $t "$c" $rep $t "$j" | tee -a "$work/out.tsv" >&2
    done
done
python3 - "$work/out.tsv" <<'PY'
import collections, statistics, sys
d = collections.defaultdict(list)
for l in list(open(sys.argv[1]))[1:]:
    rep, lang, t, r = l.split(); d[(lang, int(t))].append(int(r))
c1 = statistics.median(d[('C', 1)])
print("| spawner threads | C spawns/s (median) | C runs | Java/FFM NativeLauncher spawns/s (median) | Java runs | Java ÷ C same threads | ÷ C 1 thread |")
print("|---|---|---|---|---|---|---|")
for t in (1, 2, 4):
    c, j = statistics.median(d[('C', t)]), statistics.median(d[('Java', t)])
    print(f"| {t} | {c:.0f} | {', '.join(map(str, d[('C', t)]))} | {j:.0f} | {', '.join(map(str, d[('Java', t)]))} | {j / c:.2f} | {j / c1:.2f} |")
PY
