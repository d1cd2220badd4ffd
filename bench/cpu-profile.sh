#!/usr/bin/env bash
# Where the CPU goes (async-profiler, CPU samples incl. kernel stacks), after a warm-up like run.sh's: hello at
# c=8 for DUR, then one 1 GiB stream. Complements profile.sh (JFR: where threads wait). async-profiler comes
# from Maven Central (tools.profiler:async-profiler) into ~/.cache/tracegate unless ASPROF_LIB points at
# libasyncProfiler.so. Usage: bench/cpu-profile.sh    env: DUR=10s WARM=20s PORT=18295 OUT=<dir, kept>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
DUR=${DUR:-10s}; WARM=${WARM:-20s}; PORT=${PORT:-18295}; OUT=${OUT:-/tmp/tracegate-cpu.$(date +%Y%m%d-%H%M%S)}
AP_VERSION=4.2
lib=${ASPROF_LIB:-$HOME/.cache/tracegate/async-profiler-$AP_VERSION/linux-x64/libasyncProfiler.so}
if [ ! -f "$lib" ]; then
    dir=$HOME/.cache/tracegate/async-profiler-$AP_VERSION; mkdir -p "$dir"
    curl -sSfL -o "$dir/ap.jar" "https://repo.maven.apache.org/maven2/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
    (cd "$dir" && unzip -q -o ap.jar linux-x64/libasyncProfiler.so && rm ap.jar)
fi
mkdir -p "$OUT"
work=$(mktemp -d /tmp/tracegate-cpu.XXXXXX)
trap '[ -f "$work/pid" ] && kill -TERM "$(cat "$work/pid")" 2>/dev/null; sleep 1; rm -rf "$work"' EXIT
mkdir -p "$work/cgi" "$work/log"
. "$root/bench/programs.sh"; bench_programs "$work/cgi"
# loop=: the profiler writes one file per period, so the warm-up and each phase land in files of their own.
TRACEGATE_JAVA_OPTS="-agentpath:$lib=start,event=cpu,interval=1ms,loop=1s,file=$work/p-%n{100000}.collapsed,collapsed" \
    "$root/bin/tracegate" serve --cgi "/cgi-bin/=$work/cgi" --listen "127.0.0.1:$PORT" --access-log off \
    --log-dir "$work/log" > "$work/out" 2>&1 &
echo $! > "$work/pid"
for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/cgi-bin/hello" && break; sleep 0.1; done
wrk -t1 -c8 -d"$WARM" "http://127.0.0.1:$PORT/cgi-bin/hello" > /dev/null
mark() { ls "$work"/p-*.collapsed 2>/dev/null | wc -l; }
sleep 1.1; a=$(mark)
wrk -t1 -c8 -d"$DUR" "http://127.0.0.1:$PORT/cgi-bin/hello" | grep Requests/sec
sleep 1.1; b=$(mark)
curl -s -o /dev/null -w 'stream: %{speed_download} B/s\n' "http://127.0.0.1:$PORT/cgi-bin/stream.sh"
sleep 1.1; c=$(mark)
files() { ls "$work"/p-*.collapsed | sort -V | sed -n "$(($1 + 1)),$2p"; }
cat $(files "$a" "$b") > "$OUT/hello-c8.collapsed"; cat $(files "$b" "$c") > "$OUT/stream.collapsed"
for f in hello-c8 stream; do echo; echo "### $f ($OUT/$f.collapsed)"; python3 "$root/bench/collapsed_summary.py" "$OUT/$f.collapsed"; done
