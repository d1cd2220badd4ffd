#!/usr/bin/env bash
# One side-by-side run: the C spawn ceiling, Tracegate, Apache httpd (mpm_event + mod_cgid), lighttpd (mod_cgi)
# and nginx + fcgiwrap — wrk at c=1/8/64 for a static C hello and a /bin/sh hello, peak RSS at c=64, a 1 GiB
# streamed response and a 256 MiB upload, each against its ceiling measured in the same run; then the
# tracing overhead (bench/trace-overhead.sh).
#
# The repetition loop is the OUTERMOST loop: these 2-vCPU VMs are noisy (other tenants, the other worktree's
# builds), so every configuration is measured close in time to every other within a repetition, and a noise
# burst hits all of them alike instead of one server's whole series. Ratios are computed per run, never
# against numbers from another day.
#
# Usage: bench/run.sh            env: DUR=10s REPS=3 WARM=20s CONNS="1 8 64" SERVERS="tracegate apache_event lighttpd
#                                     nginx_fcgiwrap" SPAWN_N=1000 PORT_BASE=18280 RESULTS=<dir>
# Needs: apache2 lighttpd nginx fcgiwrap wrk curl gcc python3, JDK 25 (bin/jdk.sh finds it), Maven.
# At the defaults a run takes ~17 min (3 reps x ~5 min + setup). Raw results stay in $RESULTS; the scratch dir
# (configs, programs, server logs) is removed on exit and every server is stopped by its own PID.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
DUR=${DUR:-10s}; REPS=${REPS:-3}; WARM=${WARM:-20s}; CONNS=${CONNS:-"1 8 64"}; SPAWN_N=${SPAWN_N:-1000}
SERVERS=${SERVERS:-"tracegate apache_event lighttpd nginx_fcgiwrap"}
PORT_BASE=${PORT_BASE:-18280}     # our own ports: the shared peers (18080-18086) may be in use by others
RESULTS=${RESULTS:-/tmp/tracegate-bench-results.$(date +%Y%m%d-%H%M%S)}
for t in wrk curl gcc python3 apache2 lighttpd nginx fcgiwrap; do
    command -v $t >/dev/null || { echo "run.sh: $t is missing (apt-get install -y apache2 lighttpd nginx fcgiwrap wrk curl gcc)" >&2; exit 3; }
done

work=$(mktemp -d /tmp/tracegate-bench.XXXXXX)
# Apache and lighttpd drop to www-data: they must be able to traverse the scratch dir and run the programs.
chmod 755 "$work"
mkdir -p "$RESULTS" "$work/pids" "$work/www/cgi-bin"
W=$work/www

descendants() { local p; for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$p"; descendants "$p"; done; }
stop_all() {
    # TERM each server we started (by PID), give it 5 s, then TERM whatever of its tree is left (CGI children).
    local f p kids
    for f in "$work"/pids/*.pid; do
        [ -e "$f" ] || continue
        p=$(cat "$f"); kids=$(descendants "$p")
        kill -TERM "$p" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        for k in $kids; do kill -TERM "$k" 2>/dev/null || true; done
        rm -f "$f"
    done
}
trap 'stop_all; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

port() { case $1 in tracegate) echo $PORT_BASE;; apache_event) echo $((PORT_BASE+1));;
    lighttpd) echo $((PORT_BASE+2));; nginx_fcgiwrap) echo $((PORT_BASE+3));; esac; }

# ---- programs: the same files for every server ---------------------------------------------------------
gcc -O2 -static -o "$W/cgi-bin/hello" "$root/bench/hello.c"      # static: no dynamic loader in the timing
gcc -O2 -pthread -o "$work/spawn" "$root/bench/spawn.c"
printf '#!/bin/sh\nprintf '"'"'Content-Type: text/plain\\r\\n\\r\\nhello\\n'"'"'\n' > "$W/cgi-bin/hello.sh"
# stream.sh: header, then exec head so the server reads straight from head's pipe (no shell in between).
printf '#!/bin/sh\nprintf '"'"'Content-Type: application/octet-stream\\r\\n\\r\\n'"'"'\nexec head -c 1G /dev/zero\n' > "$W/cgi-bin/stream.sh"
# upload.sh: the program reads the body itself (wc -c), so the figure includes the server's stdin pump.
printf '#!/bin/sh\nn=$(head -c "${CONTENT_LENGTH:-0}" | wc -c)\nprintf '"'"'Content-Type: text/plain\\r\\n\\r\\n%%s\\n'"'"' "$n"\n' > "$W/cgi-bin/upload.sh"
chmod 755 "$W"/cgi-bin/*; chmod 755 "$W" "$W/cgi-bin"
printf 'hello\n' > "$W/static.txt"
head -c 256M /dev/zero > "$work/up.bin"

# ---- server configs (adapted from shared/bench/peers.sh: own ports, own scratch dir) -------------------
mkdir -p "$work/apache" "$work/lighttpd/upload" "$work/nginx/tmp" "$work/tracegate"
chown -R www-data "$work/lighttpd"
cat > "$work/apache/httpd.conf" <<EOC
ServerRoot $work/apache
DefaultRuntimeDir $work/apache
PidFile $work/apache/httpd.pid
Listen 127.0.0.1:$(port apache_event)
ServerName localhost
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule cgid_module /usr/lib/apache2/modules/mod_cgid.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
User www-data
Group www-data
ErrorLog $work/apache/error.log
LogLevel warn
ScriptSock $work/apache/cgisock
DocumentRoot $W
ScriptAlias /cgi-bin/ $W/cgi-bin/
<Directory />
  Require all granted
</Directory>
EOC
cat > "$work/lighttpd/lighttpd.conf" <<EOC
server.document-root = "$W"
server.bind = "127.0.0.1"
server.port = $(port lighttpd)
server.pid-file = "$work/lighttpd/lighttpd.pid"
server.errorlog = "$work/lighttpd/error.log"
server.username = "www-data"
server.groupname = "www-data"
server.upload-dirs = ( "$work/lighttpd/upload" )
server.modules = ( "mod_cgi" )
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ( "" => "" ) }
EOC
# fcgiwrap -c 2: the faster of the two fcgiwrap pool sizes in shared/bench/BASELINE.md on this 2-vCPU machine.
cat > "$work/nginx/nginx.conf" <<EOC
daemon off;
master_process on;
worker_processes auto;
user root;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body; fastcgi_temp_path $work/nginx/tmp/fcgi;
  proxy_temp_path $work/nginx/tmp/proxy; uwsgi_temp_path $work/nginx/tmp/uwsgi; scgi_temp_path $work/nginx/tmp/scgi;
  client_max_body_size 0;
  default_type text/plain;
  server { listen 127.0.0.1:$(port nginx_fcgiwrap); root $W;
    location /cgi-bin/ { include /etc/nginx/fastcgi.conf; fastcgi_pass unix:$work/fcgiwrap.sock; } }
}
EOC

startbg() { local name=$1; shift; ( cd "$work" && exec "$@" ) > "$work/$name.out" 2>&1 & echo $! > "$work/pids/$name.pid"; }
waitport() { for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$1/cgi-bin/hello" && return 0; sleep 0.1; done
    echo "run.sh: nothing answers on port $1" >&2; return 1; }
# The PIDs whose process trees make up a server (for RSS): nginx counts together with its fcgiwrap.
roots() { case $1 in nginx_fcgiwrap) echo "$(cat $work/pids/nginx.pid) $(cat $work/pids/fcgiwrap.pid)";; *) cat "$work/pids/$1.pid";; esac; }

"$root/bin/tracegate" --version >/dev/null 2>&1   # builds the jar now if the sources are newer, outside any timing
for s in $SERVERS; do
    case $s in
        tracegate) startbg tracegate "$root/bin/tracegate" serve --cgi "/cgi-bin/=$W/cgi-bin" \
                       --listen "127.0.0.1:$(port tracegate)" --access-log off --log-dir "$work/tracegate";;
        apache_event) startbg apache_event apache2 -f "$work/apache/httpd.conf" -DFOREGROUND;;
        lighttpd) startbg lighttpd lighttpd -D -f "$work/lighttpd/lighttpd.conf";;
        nginx_fcgiwrap) startbg fcgiwrap fcgiwrap -c 2 -s "unix:$work/fcgiwrap.sock"
                        startbg nginx nginx -c "$work/nginx/nginx.conf" -p "$work/nginx/";;
    esac
    waitport "$(port $s)"
done
# Warm-up, the same for every server: Tracegate's JIT (its throughput climbs for ~15 s after start), Apache's
# cgid daemon and worker threads all reach steady state before timing.
for s in $SERVERS; do wrk -t1 -c8 -d"$WARM" "http://127.0.0.1:$(port $s)/cgi-bin/hello" >/dev/null 2>&1 || true; done

SPAWN=$RESULTS/spawn.tsv; HTTP=$RESULTS/http.tsv; STREAM=$RESULTS/stream.tsv
: > "$SPAWN"; : > "$HTTP"; : > "$STREAM"
now() { date +%s.%N; }
mibs() { python3 -c "import sys; print(f'{$1/($3-$2)/1048576:.0f}')"; }

for rep in $(seq 1 "$REPS"); do
    echo "== rep $rep/$REPS" >&2
    # Ceiling 1: the raw spawn loop (posix_spawn + pipe + waitpid), 1 and 2 spawner threads, N spawns in total
    # for each so both take about the same time; and the same loop over the sh script.
    for spec in "hello 1 $SPAWN_N" "hello 2 $((SPAWN_N/2))" "hello.sh 1 $((SPAWN_N/2))"; do
        set -- $spec
        r=$("$work/spawn" posix_spawn "$W/cgi-bin/$1" "$3" "$2" | sed -n 's/.*spawns_per_sec=\([0-9]*\).*/\1/p')
        printf 'c_spawn\t%s\t%s\t%s\t%s\n' "$1" "$2" "$rep" "$r" | tee -a "$SPAWN" >&2
    done
    # HTTP: every server, both programs, every concurrency. The sampler sums RSS over the server's tree.
    for s in $SERVERS; do
        for prog in hello hello.sh; do
            for c in $CONNS; do
                f=$RESULTS/$s.$prog.c$c.r$rep
                rm -f "$f.rss" "$f.rss.ready"
                python3 "$root/bench/rss_sampler.py" "$f.rss" 0.2 $(roots $s) & sp=$!
                for _ in $(seq 50); do [ -e "$f.rss.ready" ] && break; sleep 0.1; done
                wrk -t1 -c"$c" -d"$DUR" --latency --timeout 10s "http://127.0.0.1:$(port $s)/cgi-bin/$prog" > "$f.wrk" 2>&1 || true
                kill -TERM $sp; wait $sp || true
                rps=$(awk '/^Requests\/sec/{print $2}' "$f.wrk")
                p50=$(awk '$1=="50%"{print $2}' "$f.wrk"); p99=$(awk '$1=="99%"{print $2}' "$f.wrk")
                err=$(grep -E 'Socket errors|Non-2xx' "$f.wrk" | tr -s ' ' | tr '\n' ';' || true)
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$prog" "$c" "$rep" "${rps:-0}" "$p50" "$p99" \
                    "$(cat "$f.rss" 2>/dev/null || echo 0)" "${err:-0}" | tee -a "$HTTP" >&2
            done
        done
    done
    # Ceiling 2: 1 GiB through one pipe; then each server's 1 GiB response (curl's own average speed).
    t0=$(now); head -c 1G /dev/zero | cat > /dev/null; t1=$(now)
    printf 'pipe\tstream\t%s\t%s\t-\n' "$rep" "$(mibs 1073741824 $t0 $t1)" | tee -a "$STREAM" >&2
    for s in $SERVERS; do
        r=$(curl -s -o /dev/null --max-time 120 -w '%{speed_download}:%{size_download}:%{http_code}' \
            "http://127.0.0.1:$(port $s)/cgi-bin/stream.sh" || true)
        printf '%s\tstream\t%s\t%s\t%s\n' "$s" "$rep" "$(python3 -c "print(f'{float(\"${r%%:*}\" or 0)/1048576:.0f}')")" \
            "size=$(cut -d: -f2 <<<"$r") code=${r##*:}" | tee -a "$STREAM" >&2
    done
    # Ceiling 3: upload.sh's own reader (head -c N | wc -c) fed 256 MiB through a plain pipe; then each server,
    # timed by the client from first byte sent to response received (Content-Length body, no Expect).
    t0=$(now); head -c 268435456 /dev/zero | head -c 268435456 | wc -c > /dev/null; t1=$(now)
    printf 'pipe\tupload\t%s\t%s\t-\n' "$rep" "$(mibs 268435456 $t0 $t1)" | tee -a "$STREAM" >&2
    for s in $SERVERS; do
        t0=$(now)
        r=$(curl -s --max-time 60 -H 'Expect:' -H 'Content-Type: application/octet-stream' \
            -T "$work/up.bin" -X POST -w '\n%{http_code}' "http://127.0.0.1:$(port $s)/cgi-bin/upload.sh" | tr '\n' ' ' || true)
        t1=$(now)
        read -r n code <<<"$r"
        ok=$([ "$n" = 268435456 ] && echo "$(mibs 268435456 $t0 $t1)" || echo 0)
        printf '%s\tupload\t%s\t%s\t%s\n' "$s" "$rep" "$ok" "bytes=$n code=$code" | tee -a "$STREAM" >&2
    done
done
# Last, in the same run: tracing overhead (trace-overhead.sh: tracing off / failed-request rules / a session,
# alternated on their own ports). The peers are stopped first so they cannot disturb it.
stop_all
echo "== tracing overhead" >&2
DUR=$DUR REPS=$REPS WARM=$WARM "$root/bench/trace-overhead.sh" > "$RESULTS/trace-overhead.txt" 2>&1 || true

{
    echo "Run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) vCPU, DUR=$DUR REPS=$REPS SPAWN_N=$SPAWN_N, raw results in $RESULTS"
    echo "Versions: $("$root/bin/tracegate" --version 2>/dev/null | head -1); $(apache2 -v | sed -n 's/Server version: //p'); $(lighttpd -v 2>&1 | head -1 | cut -d' ' -f1); $(nginx -v 2>&1 | sed 's/.*: //'); fcgiwrap $(dpkg-query -W -f='${Version}' fcgiwrap 2>/dev/null)"
    echo
    python3 "$root/bench/summarize.py" "$RESULTS"
} | tee "$RESULTS/table.md"
