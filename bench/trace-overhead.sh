#!/usr/bin/env bash
# Tracing overhead: a static C hello program at concurrency 8 through three Tracegate servers started
# side by side — tracing off, failed-request rules on (500-599, none fire), and a trace session recording
# every event — measured alternately, REPS rounds of DUR each, so machine noise hits all three alike.
# Usage: bench/trace-overhead.sh            (env: DUR=10s REPS=3 CONNS=8 WARM=20s)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
DUR=${DUR:-10s}; REPS=${REPS:-3}; CONNS=${CONNS:-8}; WARM=${WARM:-20s}
work=$(mktemp -d /tmp/tracegate-bench.XXXXXX)
trap 'for p in $(cat "$work"/*.pid 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 3; }
mkdir -p "$work/cgi"
cc -O2 -static -o "$work/cgi/hello" "$root/bench/hello.c"
"$root/bin/tracegate" --version >/dev/null   # builds the jar once, before anything is timed

start() { # name port extra-flags...
    local name=$1 port=$2; shift 2
    mkdir -p "$work/$name"
    "$root/bin/tracegate" serve --cgi "/cgi-bin/=$work/cgi" --listen "127.0.0.1:$port" --log-dir "$work/$name" \
        --access-log off "$@" > "$work/$name/out" 2>&1 &
    echo $! > "$work/$name.pid"
    for _ in $(seq 100); do grep -q "listening on" "$work/$name/out" 2>/dev/null && return; sleep 0.1; done
    echo "bench: $name did not start:"; cat "$work/$name/out"; exit 1
}
start off 18190
start rules 18191 --trace-failed 500-599
start session 18192
"$root/bin/tracegate" trace start --log-dir "$work/session" --output "$work/session/all.jsonl" >/dev/null

# Warm-up as in run.sh: the JIT settles within ~15 s of load.
for port in 18190 18191 18192; do wrk -t1 -c$CONNS -d"$WARM" "http://127.0.0.1:$port/cgi-bin/hello" >/dev/null; done
printf 'rep\toff rps\trules rps\tsession rps\n'
declare -A sum=([off]=0 [rules]=0 [session]=0)
for rep in $(seq 1 "$REPS"); do
    line="$rep"
    for pair in off:18190 rules:18191 session:18192; do
        name=${pair%%:*}; port=${pair#*:}
        rps=$(wrk -t1 -c"$CONNS" -d"$DUR" "http://127.0.0.1:$port/cgi-bin/hello" | awk '/^Requests\/sec/{print $2}')
        sum[$name]=$(echo "${sum[$name]} + $rps" | bc -l)
        line="$line\t$rps"
    done
    printf "$line\n"
done
off=$(echo "${sum[off]} / $REPS" | bc -l); rules=$(echo "${sum[rules]} / $REPS" | bc -l); session=$(echo "${sum[session]} / $REPS" | bc -l)
printf 'mean\t%.1f\t%.1f\t%.1f\n' "$off" "$rules" "$session"
printf 'ratio to off\t1.000\t%.3f\t%.3f\n' "$(echo "$rules / $off" | bc -l)" "$(echo "$session / $off" | bc -l)"
"$root/bin/tracegate" trace stop --log-dir "$work/session" | sed 's/^/session: /'
