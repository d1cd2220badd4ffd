#!/usr/bin/env bash
# FastCGI side by side (issue 10 §5): hello.php (one echo) at c=1/8/64 through
#   tracegate_fpm    Tracegate → php-fpm (external: [[fastcgi]] address = "unix:…"), started by bin/tracegate
#                    (the launcher's JVM options), access log off like nginx's;
#   tracegate_fpm_ahead  the same with sendAhead = true: a request that would wait for a connection is written
#                    behind the one running on it (docs/fastcgi.md, "Sending ahead");
#   nginx_fpm        nginx → php-fpm (fastcgi_pass unix:…, nginx's defaults as in shared/bench/php_peers.sh);
#   tracegate_phpcgi Tracegate's managed php-cgi pool (command = ["/usr/bin/php-cgi"]) — only when the jar has
#                    managed pools (probed at start; the row is left out with a note otherwise);
#   java_ceiling     bench/FastCgiCeiling.java: not a server, the JVM doing only the bytes on one event loop that
#                    holds the HTTP and the FastCGI connections (nginx's shape) — what Java can reach here;
#   java_ceiling_pr  (only when named in SERVERS) the same with a new connection per request and no KEEP_CONN,
#                    as nginx does by default: whether php-fpm's listen backlog, not kept connections, is nginx's edge;
#   java_ceiling_pl  (only when named in SERVERS) the kept connections with up to 2 requests sent ahead on each
#                    (pipelined): whether a worker that never waits for the next request closes the c=64 tail.
# One php-fpm master with one pool per server, both from the same lines (pm = static, FPM_CHILDREN children,
# default the CPU count, pm.max_requests = 0): Tracegate keeps its connections (KEEP_CONN) and php-fpm pins a
# worker to a kept connection, so a shared pool would hand nginx's requests to workers parked on Tracegate's
# idle connections. Each server gets WARM of wrk c=8 before anything is timed. The repetition loop is outermost
# and, within a rep, every c runs every server back to back, the order rotated each rep, so load from the
# other engineers on this shared machine hits all rows alike. Ratios are to nginx_fpm in the same rep and c,
# then the median over reps; p50/p99 from wrk --latency; peak RSS at c=64 of the server's process tree and
# of the server plus its php-fpm pool's workers (bench/rss_sampler.py). /proc/loadavg is logged per run.
#
# Usage: bench/fastcgi.sh     env: CONNS="1 8 64" DUR=10s REPS=3 WARM=20s WRK_THREADS=1 FPM_CHILDREN=$(nproc)
#                                  SERVERS="tracegate_fpm tracegate_fpm_ahead nginx_fpm [tracegate_phpcgi] java_ceiling" PORT_BASE=18380
#                                  RESULTS=<dir, kept> TRACEGATE_JAVA_OPTS (added to the launcher's options)
#                                  AB_JAR=<another tracegate.jar>: adds the row tracegate_fpm_ab, that jar behind the
#                                  same launcher (a copy of bin/) on a third pool of the same lines, for an A/B of a
#                                  change in the same run
#                                  AB_JAVA_OPTS=<JVM options>: TRACEGATE_JAVA_OPTS for the tracegate_fpm_ab row only (with AB_JAR = the same jar: a JVM-option A/B)
#                                  FASTCGI_EXTRA=<lines added to every Tracegate → php-fpm [[fastcgi]] table>, e.g.
#                                  FASTCGI_EXTRA="maxInstances = 4" with FPM_CHILDREN=4
# Needs: nginx php-fpm php-cgi wrk curl python3 (apt-get install -y nginx php-fpm php-cgi wrk curl), JDK 25, Maven.
# At the defaults: ~2 servers × 3 c × 3 reps × 10 s + warm-up ≈ 5 min. Every process is stopped by its own PID.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"
CONNS=${CONNS:-"1 8 64"}; DUR=${DUR:-10s}; REPS=${REPS:-3}; WARM=${WARM:-20s}; WRK_THREADS=${WRK_THREADS:-1}
FPM_CHILDREN=${FPM_CHILDREN:-$(nproc)}; PORT_BASE=${PORT_BASE:-18380}
RESULTS=${RESULTS:-/tmp/tracegate-fastcgi.$(date +%Y%m%d-%H%M%S)}
FPM=$(command -v php-fpm8.2 || command -v php-fpm || echo /usr/sbin/php-fpm8.2)
for t in wrk curl python3 nginx "$FPM"; do
    command -v "$t" >/dev/null || { echo "fastcgi.sh: $t is missing (apt-get install -y nginx php-fpm php-cgi wrk curl)" >&2; exit 3; }
done

work=$(mktemp -d /tmp/tracegate-fcgi.XXXXXX)
chmod 755 "$work"                                  # php-fpm's and nginx's www-data must reach the scripts
mkdir -p "$RESULTS" "$work/pids" "$work/www/php" "$work/fpm" "$work/nginx/tmp" "$work/tg-fpm" "$work/tg-phpcgi"
W=$work/www
printf '<?php echo "hello\\n";\n' > "$W/php/hello.php"
chmod -R a+rX "$W"

descendants() { local p; for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$p"; descendants "$p"; done; }
stop_one() {
    local f=$1 p kids; [ -e "$f" ] || return 0
    p=$(cat "$f"); kids=$(descendants "$p")
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    for k in $kids; do kill -TERM "$k" 2>/dev/null || true; done
    rm -f "$f"
}
stop_all() { local f; for f in "$work"/pids/*.pid; do stop_one "$f"; done; }
trap 'stop_all; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

port() { case $1 in tracegate_fpm) echo $PORT_BASE;; nginx_fpm) echo $((PORT_BASE+1));; tracegate_phpcgi) echo $((PORT_BASE+2));;
    tracegate_fpm_ab) echo $((PORT_BASE+3));; java_ceiling) echo $((PORT_BASE+4));; java_ceiling_pr) echo $((PORT_BASE+5));;
    java_ceiling_pl) echo $((PORT_BASE+6));; tracegate_fpm_ahead) echo $((PORT_BASE+7));; esac; }
url() { echo "http://127.0.0.1:$(port "$1")/php/hello.php"; }

# ---- php-fpm: one master, the same pool lines twice (adapted from shared/bench/php_peers.sh) ------------
pool() { cat <<EOC
[$1]
user = www-data
group = www-data
listen = $work/fpm/$1.sock
listen.mode = 0666
pm = static
pm.max_children = $FPM_CHILDREN
pm.max_requests = 0
EOC
}
{ printf '[global]\npid = %s\nerror_log = %s\ndaemonize = no\n' "$work/fpm/php-fpm.pid" "$work/fpm/php-fpm.log"
  pool tg; pool tgah; pool ngx; pool ceil; [ -z "${AB_JAR:-}" ] || pool tgab
  case " ${SERVERS:-} " in *" java_ceiling_pr "*) pool ceilpr;; esac
  case " ${SERVERS:-} " in *" java_ceiling_pl "*) pool ceilpl;; esac; } > "$work/fpm/php-fpm.conf"

cat > "$work/nginx/nginx.conf" <<EOC
daemon off; master_process on; worker_processes 1; user www-data; pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http { access_log off;
  client_body_temp_path $work/nginx/tmp/body; fastcgi_temp_path $work/nginx/tmp/fcgi; proxy_temp_path $work/nginx/tmp/proxy;
  uwsgi_temp_path $work/nginx/tmp/uwsgi; scgi_temp_path $work/nginx/tmp/scgi;
  server { listen 127.0.0.1:$(port nginx_fpm); root $W;
    location ~ \.php\$ { include /etc/nginx/fastcgi.conf; fastcgi_pass unix:$work/fpm/ngx.sock; } } }
EOC
chown -R www-data "$work/nginx/tmp"

cat > "$work/tg-fpm/tracegate.toml" <<EOC
listen = ["127.0.0.1:$(port tracegate_fpm)"]
logDir = "$work/tg-fpm/log"
[[fastcgi]]
prefix = "/php/"
directory = "$W/php"
extension = ".php"
address = "unix:$work/fpm/tg.sock"
${FASTCGI_EXTRA:-}
EOC
mkdir -p "$work/tg-fpm_ahead/log"
{ sed -e "s#$(port tracegate_fpm)#$(port tracegate_fpm_ahead)#; s#tg-fpm/log#tg-fpm_ahead/log#; s#fpm/tg.sock#fpm/tgah.sock#" \
      "$work/tg-fpm/tracegate.toml"; echo "sendAhead = true"; } > "$work/tg-fpm_ahead/tracegate.toml"
if [ -n "${AB_JAR:-}" ]; then                     # the other jar behind a copy of the same launcher
    mkdir -p "$work/tg-fpm_ab/log" "$work/ab/bin" "$work/ab/target" "$work/ab/src/main"
    cp "$root/bin/tracegate" "$root/bin/jdk.sh" "$work/ab/bin/"; cp "$AB_JAR" "$work/ab/target/tracegate.jar"
    touch -d '2000-01-01' "$work/ab/pom.xml" "$work/ab/src/main"
    sed -e "s#$(port tracegate_fpm)#$(port tracegate_fpm_ab)#; s#tg-fpm/log#tg-fpm_ab/log#; s#fpm/tg.sock#fpm/tgab.sock#" \
        "$work/tg-fpm/tracegate.toml" > "$work/tg-fpm_ab/tracegate.toml"
fi
cat > "$work/tg-phpcgi/tracegate.toml" <<EOC
listen = ["127.0.0.1:$(port tracegate_phpcgi)"]
logDir = "$work/tg-phpcgi/log"
[[fastcgi]]
prefix = "/php/"
directory = "$W/php"
extension = ".php"
command = ["/usr/bin/php-cgi"]
EOC

startbg() { local name=$1; shift; ( cd "$work" && exec "$@" ) > "$work/$name.out" 2>&1 & echo $! > "$work/pids/$name.pid"; }
waitup() { for _ in $(seq 200); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$(url "$1")")" = 200 ] && return 0
               kill -0 "$(cat "$work/pids/$2.pid")" 2>/dev/null || return 1; sleep 0.1; done; return 1; }
# The PIDs whose trees make up a server, and the workers of its php-fpm pool (pm = static: they stay put).
roots() { case $1 in nginx_fpm) cat "$work/pids/nginx.pid";; *) cat "$work/pids/$1.pid";; esac; }
pool_pids() { local name; case $1 in tracegate_fpm) name=tg;; tracegate_fpm_ahead) name=tgah;; nginx_fpm) name=ngx;; tracegate_fpm_ab) name=tgab;; java_ceiling) name=ceil;; java_ceiling_pr) name=ceilpr;; java_ceiling_pl) name=ceilpl;; *) return 0;; esac
    local f; for f in $(grep -l "^php-fpm: pool $name" /proc/[0-9]*/cmdline 2>/dev/null); do
        [ "$(tr -d '\0' < "$f" 2>/dev/null)" = "php-fpm: pool $name" ] && { f=${f#/proc/}; printf '%s ' "${f%/cmdline}"; }; done; }

"$root/bin/tracegate" --version >/dev/null 2>&1   # builds the jar now if the sources are newer, outside any timing
startbg fpm "$FPM" -y "$work/fpm/php-fpm.conf" -R
for _ in $(seq 100); do [ -S "$work/fpm/tg.sock" ] && [ -S "$work/fpm/tgah.sock" ] && [ -S "$work/fpm/ngx.sock" ] && [ -S "$work/fpm/ceil.sock" ] && break; sleep 0.1; done
SERVERS=${SERVERS:-"tracegate_fpm tracegate_fpm_ahead nginx_fpm tracegate_phpcgi${AB_JAR:+ tracegate_fpm_ab} java_ceiling"}
notes=""
up=""
for s in $SERVERS; do
    case $s in
        tracegate_fpm|tracegate_phpcgi|tracegate_fpm_ahead)
            startbg "$s" "$root/bin/tracegate" serve --config "$work/${s/tracegate_/tg-}/tracegate.toml" --access-log off;;
        tracegate_fpm_ab)
            TRACEGATE_JAVA_OPTS="${AB_JAVA_OPTS:-${TRACEGATE_JAVA_OPTS:-}}" startbg "$s" "$work/ab/bin/tracegate" serve --config "$work/tg-fpm_ab/tracegate.toml" --access-log off;;
        nginx_fpm) startbg nginx nginx -c "$work/nginx/nginx.conf" -p "$work/nginx/";;
        java_ceiling) startbg "$s" "$JAVA_HOME/bin/java" "$root/bench/FastCgiCeiling.java" "$(port "$s")" "$W/php/hello.php" \
                          "$work/fpm/ceil.sock" "$FPM_CHILDREN";;
        java_ceiling_pr) startbg "$s" "$JAVA_HOME/bin/java" "$root/bench/FastCgiCeiling.java" "$(port "$s")" "$W/php/hello.php" \
                          "$work/fpm/ceilpr.sock" "$FPM_CHILDREN" per-request;;
        java_ceiling_pl) startbg "$s" "$JAVA_HOME/bin/java" "$root/bench/FastCgiCeiling.java" "$(port "$s")" "$W/php/hello.php" \
                          "$work/fpm/ceilpl.sock" "$FPM_CHILDREN" pipelined;;
    esac
    if waitup "$s" "$([ "$s" = nginx_fpm ] && echo nginx || echo "$s")"; then
        up="$up $s"
    else
        why=$(grep -m1 -o 'managed pools.*' "$work/$s.out" 2>/dev/null || tail -n 2 "$work/$s.out" 2>/dev/null | tr '\n' ' ')
        notes="$notes$s: not measured: ${why:-did not answer 200}\n"
        stop_one "$work/pids/$s.pid"
    fi
done
SERVERS=${up# }
printf '%b' "$notes" | tee "$RESULTS/notes.txt" >&2
{ echo "run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) vCPU, CONNS=\"$CONNS\" DUR=$DUR REPS=$REPS WARM=$WARM wrk -t$WRK_THREADS, php-fpm pm=static x$FPM_CHILDREN per pool"
  echo "versions: $(nginx -v 2>&1); $("$FPM" -v | head -n1); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2); tracegate $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo +dirty)"
  echo "servers: $SERVERS${AB_JAR:+ (tracegate_fpm_ab: $AB_JAR)}"; } | tee "$RESULTS/setup.txt" >&2

for s in $SERVERS; do wrk -t1 -c8 -d"$WARM" "$(url "$s")" >/dev/null 2>&1 || true; done

HTTP=$RESULTS/http.tsv; : > "$HTTP"
read -r -a order <<<"$SERVERS"
for rep in $(seq 1 "$REPS"); do
    echo "== rep $rep/$REPS" >&2
    n=${#order[@]}; rot=(); for i in $(seq 0 $((n - 1))); do rot+=("${order[$(((i + rep - 1) % n))]}"); done
    for c in $CONNS; do
        for s in "${rot[@]}"; do
            f=$RESULTS/$s.c$c.r$rep
            samplers=()
            if [ "$c" = "${CONNS##* }" ]; then    # peak RSS at the highest concurrency only
                rm -f "$f".rss*
                python3 "$root/bench/rss_sampler.py" "$f.rss" 0.2 $(roots "$s") & samplers+=($!)
                python3 "$root/bench/rss_sampler.py" "$f.rss_pool" 0.2 $(roots "$s") $(pool_pids "$s") & samplers+=($!)
                for _ in $(seq 50); do [ -e "$f.rss.ready" ] && [ -e "$f.rss_pool.ready" ] && break; sleep 0.1; done
            fi
            load=$(cut -d' ' -f1 /proc/loadavg)
            wrk -t"$WRK_THREADS" -c"$c" -d"$DUR" --latency --timeout 10s "$(url "$s")" > "$f.wrk" 2>&1 || true
            for sp in "${samplers[@]}"; do kill -TERM "$sp"; wait "$sp" || true; done
            rps=$(awk '/^Requests\/sec/{print $2}' "$f.wrk")
            p50=$(awk '$1=="50%"{print $2}' "$f.wrk"); p99=$(awk '$1=="99%"{print $2}' "$f.wrk")
            err=$(grep -E 'Socket errors|Non-2xx' "$f.wrk" | tr -s ' ' | tr '\n' ';' || true)
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$c" "$rep" "${rps:-0}" "$p50" "$p99" \
                "$(cat "$f.rss" 2>/dev/null || echo 0)" "$(cat "$f.rss_pool" 2>/dev/null || echo 0)" "$load" "${err:-0}" \
                | tee -a "$HTTP" >&2
        done
    done
done
cp "$work"/*.out "$work/fpm/php-fpm.log" "$RESULTS/" 2>/dev/null || true
python3 "$root/bench/fastcgi_summary.py" "$RESULTS" | tee "$RESULTS/summary.md"
