#!/usr/bin/env bash
# JFR evidence for the targets Tracegate misses: one recording under the c=8 hello load (spawn path) and one
# while streaming 1 GiB (relay path), each summarized as the hottest top frames (Java execution samples and
# threads sitting in native code) plus the hottest Tracegate frame on each stack, which tells what to fix.
# Usage: bench/profile.sh     env: DUR=20s PORT=18290 OUT=<dir for the .jfr files, kept>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"
DUR=${DUR:-20s}; PORT=${PORT:-18290}; OUT=${OUT:-/tmp/tracegate-profile.$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
work=$(mktemp -d /tmp/tracegate-prof.XXXXXX)
trap '[ -f "$work/pid" ] && kill -TERM "$(cat "$work/pid")" 2>/dev/null; sleep 1; rm -rf "$work"' EXIT
mkdir -p "$work/cgi" "$work/log"
. "$root/bench/programs.sh"; bench_programs "$work/cgi"
"$root/bin/tracegate" serve --cgi "/cgi-bin/=$work/cgi" --listen "127.0.0.1:$PORT" --access-log off \
    --log-dir "$work/log" > "$work/out" 2>&1 &
echo $! > "$work/pid"; pid=$(cat "$work/pid")
for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/cgi-bin/hello" && break; sleep 0.1; done
wrk -t1 -c8 -d5s "http://127.0.0.1:$PORT/cgi-bin/hello" > /dev/null      # JIT warm-up outside the recording

"$JAVA_HOME/bin/jcmd" "$pid" JFR.start name=hello settings=profile filename="$OUT/hello-c8.jfr" > /dev/null
wrk -t1 -c8 -d"$DUR" --latency "http://127.0.0.1:$PORT/cgi-bin/hello" | grep -E 'Requests/sec|99%'
"$JAVA_HOME/bin/jcmd" "$pid" JFR.stop name=hello > /dev/null
"$JAVA_HOME/bin/jcmd" "$pid" JFR.start name=stream settings=profile filename="$OUT/stream.jfr" > /dev/null
curl -s -o /dev/null -w 'stream: %{speed_download} B/s\n' "http://127.0.0.1:$PORT/cgi-bin/stream.sh"
"$JAVA_HOME/bin/jcmd" "$pid" JFR.stop name=stream > /dev/null

for f in hello-c8 stream; do
    echo; echo "### $f ($OUT/$f.jfr)"
    "$JAVA_HOME/bin/jfr" print --json --stack-depth 64 --events jdk.ExecutionSample,jdk.NativeMethodSample "$OUT/$f.jfr" > "$work/$f.json"
    python3 - "$work/$f.json" <<'PY'
import collections, json, sys
ev = json.load(open(sys.argv[1]))["recording"]["events"]
def name(fr): m = fr["method"]; return m["type"]["name"].replace("/", ".").split(".")[-1] + "." + m["name"]
def ours_(fr): t = fr["method"]["type"]["name"].replace("/", "."); return t.startswith("org.tracegate") and "$$Lambda" not in t
for kind, title in (("jdk.ExecutionSample", "Java execution samples (CPU in Java code)"),
                    ("jdk.NativeMethodSample", "threads in native code (syscalls: spawn, pipe/socket I/O, waits)")):
    es = [e for e in ev if e["type"] == kind]
    top, ours = collections.Counter(), collections.Counter()
    for e in es:
        frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
        if not frames: continue
        top[name(frames[0])] += 1
        own = next((fr for fr in frames if ours_(fr)), None)
        ours[name(own) + ":" + str(own["lineNumber"]) if own else "(no Tracegate frame)"] += 1
    print(f"\n{title}: {len(es)} samples\n\n| top frame | % | | first Tracegate frame on the stack | % |\n|---|---|---|---|---|")
    a, b = top.most_common(12), ours.most_common(12)
    for i in range(max(len(a), len(b))):
        l = f"| {a[i][0]} | {100 * a[i][1] / len(es):.1f} |" if i < len(a) else "| | |"
        r = f" | {b[i][0]} | {100 * b[i][1] / len(es):.1f} |" if i < len(b) else " | | |"
        print(l + r)
PY
done
