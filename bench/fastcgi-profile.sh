#!/usr/bin/env bash
# Where Tracegate's CPU goes on the FastCGI path: hello.php through Tracegate → php-fpm (external, unix socket;
# pm = static, FPM_CHILDREN children) at c=CONN for DUR after WARM, with async-profiler CPU samples (kernel
# stacks included), with MODE=alloc allocation samples (bytes, by call site), or, with MODE=wall, wall-clock samples of every thread (where they wait). Also prints the
# CPU seconds Tracegate and the php-fpm workers used during the timed window (/proc/PID/stat).
# async-profiler comes from Maven Central (tools.profiler:async-profiler, as bench/cpu-profile.sh) unless
# ASPROF_LIB points at libasyncProfiler.so. Usage: bench/fastcgi-profile.sh
#   env: CONN=8 DUR=10s WARM=20s MODE=cpu|alloc|wall PORT=18396 FPM_CHILDREN=$(nproc) OUT=<dir, kept>
#        FASTCGI_EXTRA=<lines added to the [[fastcgi]] table>, e.g. FASTCGI_EXTRA="sendAhead = true"
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
CONN=${CONN:-8}; DUR=${DUR:-10s}; WARM=${WARM:-20s}; MODE=${MODE:-cpu}; PORT=${PORT:-18396}
FPM_CHILDREN=${FPM_CHILDREN:-$(nproc)}; OUT=${OUT:-/tmp/tracegate-fcgi-profile.$(date +%Y%m%d-%H%M%S)}
FPM=$(command -v php-fpm8.2 || command -v php-fpm || echo /usr/sbin/php-fpm8.2)
AP_VERSION=4.2
lib=${ASPROF_LIB:-$HOME/.cache/tracegate/async-profiler-$AP_VERSION/linux-x64/libasyncProfiler.so}
if [ ! -f "$lib" ]; then
    dir=$HOME/.cache/tracegate/async-profiler-$AP_VERSION; mkdir -p "$dir"
    curl -sSfL -o "$dir/ap.jar" "https://repo.maven.apache.org/maven2/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
    (cd "$dir" && unzip -q -o ap.jar linux-x64/libasyncProfiler.so && rm ap.jar)
fi
mkdir -p "$OUT"
work=$(mktemp -d /tmp/tracegate-fcgi-prof.XXXXXX); chmod 755 "$work"
stop() { local f p; for f in "$work"/*.pid; do [ -e "$f" ] || continue; p=$(cat "$f"); kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; done; }
trap 'stop; rm -rf "$work"' EXIT
mkdir -p "$work/www/php" "$work/log"
printf '<?php echo "hello\\n";\n' > "$work/www/php/hello.php"; chmod -R a+rX "$work/www"
cat > "$work/php-fpm.conf" <<EOC
[global]
pid = $work/php-fpm.pid.fpm
error_log = $work/php-fpm.log
daemonize = no
[prof]
user = www-data
group = www-data
listen = $work/fpm.sock
listen.mode = 0666
pm = static
pm.max_children = $FPM_CHILDREN
pm.max_requests = 0
EOC
cat > "$work/tracegate.toml" <<EOC
listen = ["127.0.0.1:$PORT"]
logDir = "$work/log"
[[fastcgi]]
prefix = "/php/"
directory = "$work/www/php"
extension = ".php"
address = "unix:$work/fpm.sock"
${FASTCGI_EXTRA:-}
EOC
"$root/bin/tracegate" --version >/dev/null 2>&1
"$FPM" -y "$work/php-fpm.conf" -R > "$work/fpm.out" 2>&1 & echo $! > "$work/fpm.pid"
for _ in $(seq 100); do [ -S "$work/fpm.sock" ] && break; sleep 0.1; done
event=cpu; interval=1ms; [ "$MODE" = wall ] && event=wall
[ "$MODE" = alloc ] && { event=alloc; interval=16k; }   # alloc: a sample every 16 KiB allocated
TRACEGATE_JAVA_OPTS="-agentpath:$lib=start,event=$event,interval=$interval,loop=1s,file=$work/p-%n{100000}.collapsed,collapsed${TG_AP_EXTRA:-}" \
    "$root/bin/tracegate" serve --config "$work/tracegate.toml" --access-log off > "$work/tg.out" 2>&1 &
echo $! > "$work/tg.pid"
url=http://127.0.0.1:$PORT/php/hello.php
for _ in $(seq 150); do curl -s -o /dev/null "$url" && break; sleep 0.1; done
wrk -t1 -c"$CONN" -d"$WARM" "$url" > /dev/null
mark() { ls "$work"/p-*.collapsed 2>/dev/null | wc -l; }
cpu() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
workers=$(for f in $(grep -l "^php-fpm: pool prof" /proc/[0-9]*/cmdline 2>/dev/null); do f=${f#/proc/}; echo "${f%/cmdline}"; done)
sleep 1.1; a=$(mark); tg0=$(cpu "$(cat "$work/tg.pid")"); w0=$(cpu $workers); t0=$(date +%s.%N)
wrk -t1 -c"$CONN" -d"$DUR" --latency "$url" | tee "$OUT/wrk.txt" | grep -E 'Requests/sec|50%|99%'
tg1=$(cpu "$(cat "$work/tg.pid")"); w1=$(cpu $workers); t1=$(date +%s.%N)
sleep 1.1; b=$(mark)
hz=$(getconf CLK_TCK)
python3 -c "w=$t1-$t0; print(f'CPU over {w:.1f} s: tracegate {($tg1-$tg0)/$hz:.2f} s, php-fpm workers {($w1-$w0)/$hz:.2f} s; load {open(\"/proc/loadavg\").read().split()[0]}')" | tee "$OUT/cpu.txt"
ls "$work"/p-*.collapsed | sort -V | sed -n "$((a + 1)),${b}p" | xargs cat > "$OUT/hello-php-c$CONN.$MODE.collapsed"
echo "### $OUT/hello-php-c$CONN.$MODE.collapsed"
python3 "$root/bench/collapsed_summary.py" "$OUT/hello-php-c$CONN.$MODE.collapsed" "${TOP:-25}"
