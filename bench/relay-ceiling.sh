#!/usr/bin/env bash
# Streaming in context: how fast can *any* relay move a program's 1 GiB to curl over loopback on this
# machine? Alternates, REPS times: the pipe ceiling (head | cat), C servers from bench/relay.c (mem: no
# producer; copy: read/write relay of head's pipe; splice: splice(2) relay) and Tracegate serving the same
# `exec head -c 1G /dev/zero` CGI program. Prints MiB/s and the ratio to the pipe of the same rep.
# Usage: bench/relay-ceiling.sh    env: REPS=5 PORT_BASE=18290   Needs: gcc curl python3, JDK 25, Maven.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-5}; PORT_BASE=${PORT_BASE:-18290}
work=$(mktemp -d /tmp/tracegate-relay.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT
gcc -O2 -o "$work/relay" "$root/bench/relay.c"
. "$root/bench/programs.sh"; bench_programs "$work/cgi-bin"
i=0
for m in mem copy splice; do "$work/relay" $m $((PORT_BASE + i)) & pids+=($!); i=$((i + 1)); done
"$root/bin/tracegate" serve --cgi "/cgi-bin/=$work/cgi-bin" --listen "127.0.0.1:$((PORT_BASE + 3))" \
    --access-log off --log-dir "$work/logs" > "$work/tracegate.out" 2>&1 & pids+=($!)
for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$((PORT_BASE + 3))/cgi-bin/hello" && break; sleep 0.2; done
curl -s -o /dev/null "http://127.0.0.1:$((PORT_BASE + 3))/cgi-bin/stream.sh"   # warm-up
mib() { python3 -c "import sys; print(int(float(sys.argv[1]) / 1048576))" "$1"; }
out=$work/rows.tsv
for rep in $(seq "$REPS"); do
    t0=$(date +%s.%N); head -c 1G /dev/zero | cat > /dev/null; t1=$(date +%s.%N)
    printf 'pipe\t%s\t%s\n' "$rep" "$(python3 -c "print(int(1024 / ($t1 - $t0)))")" >> "$out"
    i=0
    for name in c_mem c_copy c_splice tracegate; do
        path=/; [ $name = tracegate ] && path=/cgi-bin/stream.sh
        s=$(curl -s -o /dev/null --max-time 120 -w '%{speed_download}' "http://127.0.0.1:$((PORT_BASE + i))$path")
        printf '%s\t%s\t%s\n' "$name" "$rep" "$(mib "$s")" >> "$out"
        i=$((i + 1))
    done
done
python3 - "$out" <<'PY'
import sys, statistics
from collections import defaultdict
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
pipe = {r: int(v) for n, r, v in rows if n == 'pipe'}
vals, ratios = defaultdict(list), defaultdict(list)
for n, r, v in rows:
    vals[n].append(int(v)); ratios[n].append(int(v) / pipe[r])
what = {'pipe': '`head -c 1G /dev/zero \\| cat` (the issue\'s ceiling)', 'c_mem': 'C server, 1 GiB from memory (no producer)',
        'c_copy': 'C relay of head\'s pipe, read/write 64 KiB', 'c_splice': 'C relay of head\'s pipe, splice(2)',
        'tracegate': 'Tracegate, CGI `exec head -c 1G /dev/zero`'}
print('| path to curl (loopback) | MiB/s median | runs | ratio to pipe, median |')
print('|---|---|---|---|')
for n in ['pipe', 'c_mem', 'c_copy', 'c_splice', 'tracegate']:
    print(f"| {what[n]} | {int(statistics.median(vals[n]))} | {', '.join(map(str, vals[n]))} | {statistics.median(ratios[n]):.2f} |")
PY
