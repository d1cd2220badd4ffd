#!/usr/bin/env bash
# Slowloris: a normal request's latency without and with N connections trickling request heads (a byte a second
# each, spread evenly, then all at once every second), in one run, against Tracegate at its defaults
# (requestHeadTimeoutSeconds 20, maxConnections 10,000, maxConnectionsPerClient 256). See bench/Slowloris.java.
# Usage: bench/slowloris.sh          (env: N=1500 SAMPLES=200 ROUNDS=2 PORT=18300)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-1500}; SAMPLES=${SAMPLES:-200}; ROUNDS=${ROUNDS:-2}; PORT=${PORT:-18300}
. "$root/bin/jdk.sh"
work=$(mktemp -d /tmp/tracegate-slowloris.XXXXXX)
trap '[ -f "$work/pid" ] && kill -TERM "$(cat "$work/pid")" 2>/dev/null; sleep 1; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
mkdir -p "$work/www" "$work/cgi" "$work/logs"
printf 'hello\n' > "$work/www/hello.txt"
if command -v cc >/dev/null; then
    cc -O2 -static -o "$work/cgi/hello" "$root/bench/hello.c" 2>/dev/null || cc -O2 -o "$work/cgi/hello" "$root/bench/hello.c"
else
    printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\nhello\\n"\n' > "$work/cgi/hello"; chmod +x "$work/cgi/hello"
fi
cat > "$work/tracegate.toml" <<TOML
listen = ["127.0.0.1:$PORT"]
documentRoot = "www"
logDir = "logs"
[[cgi]]
prefix = "/cgi-bin/"
directory = "cgi"
TOML
# Slow connections, the server's and the client's ends, in one process each: well within 20000 descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
"$root/bin/tracegate" --version >/dev/null   # builds the jar now, outside any timing
"$root/bin/tracegate" serve --config "$work/tracegate.toml" > "$work/out" 2>&1 &
echo $! > "$work/pid"
for _ in $(seq 100); do grep -q "listening on" "$work/out" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$work/out" || { echo "bench: tracegate did not start:"; cat "$work/out"; exit 1; }
echo "Run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) vCPU, $("$root/bin/tracegate" --version 2>/dev/null | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -XX:+UseSerialGC ${BENCH_JAVA_OPTS:-} "$root/bench/Slowloris.java" "$PORT" "$(cat "$work/pid")" "$N" "$SAMPLES" "$ROUNDS" \
    /hello.txt /cgi-bin/hello
echo
echo "error.log lines by kind:"
sed -E 's/^[^ ]+ \[[^]]*\] //; s/: client .*//' "$work/logs/error.log" 2>/dev/null | sort | uniq -c | sed 's/^/    /' || true
