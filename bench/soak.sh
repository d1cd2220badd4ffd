#!/usr/bin/env bash
# Soak (issue 9): a root Tracegate from target/tracegate.jar, programs as nobody, short timeouts, the crash-loop
# guard off, the default maxConcurrent; N requests over a weighted mix of good, crashing, hanging, slow-body,
# daemon-forking, stderr-flooding programs and disconnecting clients (and, if named, PHP through FastCGI), every
# answer checked (bench/Soak.java), and the server measured from /proc before (after a warm-up), at peak (every
# second) and after (AFTER s past the load): zombies, processes, fds, threads, RSS, spool files, error.log. Prints
# one markdown table; exit 1 when an answer was wrong or anything leaked, 2 on a setup problem.
#
# Usage: sudo bench/soak.sh    env: N=100000 C=32 WARM=2000 AFTER=15 SETTLE=5 SEED=9
#                                   WEIGHTS=good=75,upload=5,crash=5,hang=1,slow=6,daemon=1,flood=2,disconnect=5
#                                   RESULTS=<dir> (table.md, samples.tsv, the server's stdout/stderr)
# FastCGI kinds (fpm, fpm-upload, fpm-kill, fpm-disconnect: an external php-fpm this script starts; managed,
# managed-kill, managed-hang: a managed php-cgi pool) run when WEIGHTS names them (bench/README.md, "Soak").
# Needs: root, gcc (static libc), JDK 25 (bin/jdk.sh finds it), the jar: . bin/jdk.sh && mvn -o -q -B package -DskipTests;
#        for the FastCGI kinds php-fpm and php-cgi (Debian's php-fpm, php-cgi).
# Everything it starts (the server, its programs, the driver) is stopped by PID on exit, Ctrl-C included, and the
# scratch dir removed; a program of ours still alive then (found by the mark in its environment) is killed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"
export N=${N:-100000} C=${C:-32} WARM=${WARM:-2000} AFTER=${AFTER:-15} SETTLE=${SETTLE:-5} SEED=${SEED:-9}
export WEIGHTS=${WEIGHTS:-good=75,upload=5,crash=5,hang=1,slow=6,daemon=1,flood=2,disconnect=5}
RESULTS=${RESULTS:-/tmp/tracegate-soak-results.$(date +%Y%m%d-%H%M%S)}
jar=$root/target/tracegate.jar
[ "$(id -u)" = 0 ] || { echo "soak.sh: run as root (programs must run as nobody)" >&2; exit 2; }
[ -f "$jar" ] || { echo "soak.sh: no $jar; build it: . bin/jdk.sh && mvn -o -q -B package -DskipTests" >&2; exit 2; }
command -v gcc >/dev/null || { echo "soak.sh: gcc is missing" >&2; exit 2; }

work=$(mktemp -d /tmp/tracegate-soak.XXXXXX)
chmod 755 "$work"                  # nobody must reach the programs
mark="TRACEGATE_SOAK=$(basename "$work")"
mkdir -p "$RESULTS" "$work/cgi-bin" "$work/logs" "$work/tmp"
server=; driver=; fpm=

ours() { # pids of processes with our mark in their environment: our programs and anything they left behind
    local e p
    for e in /proc/[0-9]*/environ; do
        p=${e#/proc/}; p=${p%/environ}
        [ "$p" = "$$" ] && continue
        grep -qaF "$mark" "$e" 2>/dev/null && echo "$p"
    done
    return 0
}
cleanup() {
    local rc=$? p left
    trap - EXIT INT TERM
    [ -n "$driver" ] && kill -TERM "$driver" 2>/dev/null || true
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server" 2>/dev/null || true
    fi
    [ -f "$work/server.out" ] && cp "$work/server.out" "$work/server.err" "$RESULTS/" 2>/dev/null || true
    if [ -n "$fpm" ]; then
        kill -TERM "$fpm" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$fpm" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$fpm" 2>/dev/null || true
        cp "$work/fpm/php-fpm.log" "$RESULTS/" 2>/dev/null || true
    fi
    left=$(ours)
    if [ -n "$left" ]; then
        echo "soak.sh: killing processes of this soak still alive after the server stopped: $(echo $left)" >&2
        for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- programs -------------------------------------------------------------------------------------------------
cgi=$work/cgi-bin
gcc -O2 -static -o "$cgi/hello" "$root/bench/hello.c"
gcc -O2 -static -DSOAK_CRASH -o "$cgi/crash" "$root/bench/soak-programs.c"
gcc -O2 -static -DSOAK_SLOW -o "$cgi/slow" "$root/bench/soak-programs.c"
gcc -O2 -static -DSOAK_FLOOD -o "$cgi/flood" "$root/bench/soak-programs.c"
printf '#!/bin/sh\nsleep 30\n' > "$cgi/hang"
cat > "$cgi/daemon" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\ndaemon-leader: headers sent, a daemon keeps stdout open\n'
setsid sh -c 'exec sleep 300' &
EOF
chmod 755 "$cgi" "$cgi"/*

# ---- FastCGI: PHP scripts, served by an external php-fpm and by a managed php-cgi pool -----------------------
# Only when WEIGHTS names a FastCGI kind. php-fpm runs as www-data with 4 static workers (the /fpm/ mapping keeps 4
# connections: php-fpm pins a worker to a kept connection); the managed pool as nobody (a root server's programs).
fastcgi=
case ",$WEIGHTS" in *,fpm*|*,managed*) fastcgi=1;; esac
if [ -n "$fastcgi" ]; then
    fpm_bin=$(command -v php-fpm8.2 || command -v php-fpm || true)
    { [ -n "$fpm_bin" ] && [ -x /usr/bin/php-cgi ]; } ||
        { echo "soak.sh: the FastCGI kinds need php-fpm and php-cgi (apt-get install php-fpm php-cgi)" >&2; exit 2; }
    php=$work/php
    mkdir -p "$php" "$work/fpm"
    cat > "$php/hello.php" <<'EOF'
<?php echo "hello\n";
EOF
    cat > "$php/upload.php" <<'EOF'
<?php echo strlen(file_get_contents("php://input")), "\n";
EOF
    cat > "$php/kill.php" <<'EOF'
<?php posix_kill(posix_getpid(), 9);
EOF
    cat > "$php/hang.php" <<'EOF'
<?php sleep(30); echo "late\n";
EOF
    cat > "$php/slow.php" <<'EOF'
<?php for ($i = 0; $i < 5; $i++) { echo "slow piece $i of the body\n"; flush(); usleep(20000); }
EOF
    chmod 755 "$php"; chmod 644 "$php"/*.php
    cat > "$work/fpm/php-fpm.conf" <<EOF
[global]
pid = $work/fpm/php-fpm.pid
error_log = $work/fpm/php-fpm.log
daemonize = no
[soak]
user = www-data
group = www-data
listen = $work/fpm/fpm.sock
listen.mode = 0666
pm = static
pm.max_children = 4
pm.max_requests = 0
EOF
    "$fpm_bin" -F -y "$work/fpm/php-fpm.conf" > "$work/fpm/out" 2>&1 &
    fpm=$!
    for _ in $(seq 100); do [ -S "$work/fpm/fpm.sock" ] && break; sleep 0.1; done
    [ -S "$work/fpm/fpm.sock" ] || { echo "soak.sh: php-fpm did not start:" >&2; cat "$work/fpm/out" >&2; exit 2; }
fi

# ---- config ---------------------------------------------------------------------------------------------------
# Port 0: the system picks a free port, read back from "listening on". spoolMemoryBytes = 0: every chunked body is
# spooled to a file (in $work/tmp, the JVM's java.io.tmpdir), so spool-file leaks show. The mark is set in every
# program's environment (and so in its daemons').
cat > "$work/soak.toml" <<EOF
listen = ["127.0.0.1:0"]
logDir = "logs"

[limits]
headerTimeoutSeconds = 1
idleTimeoutSeconds = 1
killGraceMillis = 200
shutdownGraceSeconds = 2
spoolMemoryBytes = 0

[crashLoop]
failures = 0

[environment.set]
TRACEGATE_SOAK = "$(basename "$work")"

[[cgi]]
prefix = "/cgi-bin/"
directory = "cgi-bin"
EOF
# The managed pool: 1 s timeouts (managed-hang), rapid-fail protection off (managed-kill keeps killing workers), no
# idle stops within the run; recycling after the default 200 requests stays on.
[ -n "$fastcgi" ] && cat >> "$work/soak.toml" <<EOF

[[fastcgi]]
prefix = "/fpm/"
directory = "$work/php"
extension = ".php"
address = "unix:$work/fpm/fpm.sock"
maxInstances = 4

[[fastcgi]]
prefix = "/mphp/"
directory = "$work/php"
extension = ".php"
command = ["/usr/bin/php-cgi"]
maxInstances = 4
activityTimeout = 1
requestTimeout = 1
rapidFailsPerMinute = 0
idleTimeout = 3600
EOF

# ---- the server: the jar, with bin/tracegate's JVM options ------------------------------------------------------
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
    -XX:+UseSerialGC -Xss512k -Xmx96m ${TRACEGATE_JAVA_OPTS:-} \
    -Djava.io.tmpdir="$work/tmp" -Dtracegate.home="$root" -jar "$jar" serve --config "$work/soak.toml" \
    > "$work/server.out" 2> "$work/server.err" &
server=$!
port=
for _ in $(seq 600); do
    port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/server.out" | head -1)
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || { echo "soak.sh: the server exited:" >&2; cat "$work/server.err" >&2; exit 2; }
    sleep 0.1
done
[ -n "$port" ] || { echo "soak.sh: the server did not listen within 60 s" >&2; exit 2; }
echo "soak.sh: server pid $server on port $port; $(head -1 "$work/server.out"); results in $RESULTS" >&2

# ---- the driver -----------------------------------------------------------------------------------------------
# The mark goes as an argument, not in the environment: the driver must not count itself as one of ours.
SOAK_BASE="http://127.0.0.1:$port" SOAK_PID=$server SOAK_WORK=$work SOAK_RESULTS=$RESULTS \
    "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx512m "$root/bench/Soak.java" "$mark" &
driver=$!
set +e
wait "$driver"
rc=$?
set -e
driver=
server_lines=$(grep -cv '^$' "$work/server.err" || true)
[ "$server_lines" -gt 0 ] && echo "soak.sh: the server wrote $server_lines line(s) to stderr ($RESULTS/server.err)" >&2
exit "$rc"
