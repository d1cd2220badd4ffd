#!/usr/bin/env bash
# A/B of two git revisions of Tracegate on the static C hello: builds each revision's jar in a throwaway
# worktree, runs both servers side by side (their defaults, one CGI mapping), warms both, then alternates wrk
# runs A, B, A, B … so noise on this shared 2-core VM hits both alike. Prints req/s per run, the medians and
# the ratio B/A for each concurrency.
#
# Usage: bench/ab-revisions.sh REV_A REV_B     env: DUR=10s REPS=5 WARM=20s CONNS="1 8" PORT_A=18380 PORT_B=18381
#                                              JAVA_OPTS_A, JAVA_OPTS_B: JVM options added after the launcher's
#                                              (e.g. HEAD HEAD with JAVA_OPTS_B=-XX:TieredStopAtLevel=1: a JIT A/B)
# Needs: wrk, gcc, JDK 25 (bin/jdk.sh), Maven. Example (issue 8's redesign): bench/ab-revisions.sh 65181e8 HEAD
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk.sh"
A=${1:?revision A}; B=${2:?revision B}
DUR=${DUR:-10s}; REPS=${REPS:-5}; WARM=${WARM:-20s}; CONNS=${CONNS:-"1 8"}
PORT_A=${PORT_A:-18380}; PORT_B=${PORT_B:-18381}
for t in wrk gcc mvn; do command -v $t >/dev/null || { echo "ab-revisions.sh: $t is missing" >&2; exit 3; }; done

work=$(mktemp -d /tmp/tracegate-ab.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for w in "$work"/src-*; do [ -d "$w" ] && git -C "$root" worktree remove --force "$w" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/cgi-bin"
gcc -O2 -static -o "$work/cgi-bin/hello" "$root/bench/hello.c"
chmod 755 "$work/cgi-bin" "$work/cgi-bin/hello"

build() { # rev name -> path of the shaded jar
    local rev=$1 name=$2 src="$work/src-$2"
    git -C "$root" worktree add --detach -q "$src" "$rev"
    (cd "$src" && mvn -q -o -B package -DskipTests -DbuildDir="$src/target" >/dev/null 2>&1 \
        || (cd "$src" && mvn -q -B package -DskipTests -DbuildDir="$src/target" >/dev/null))
    echo "$src/target/tracegate.jar"
}
start() { # jar port name [JVM options]
    mkdir -p "$work/logs-$3"
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" -Xmx96m --enable-native-access=ALL-UNNAMED \
        --add-exports java.base/sun.nio.ch=ALL-UNNAMED ${4:-} -jar "$1" serve --cgi "/cgi-bin/=$work/cgi-bin" \
        --listen "127.0.0.1:$2" --log-dir "$work/logs-$3" >"$work/$3.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$2/cgi-bin/hello" >/dev/null 2>&1 && return; sleep 0.2; done
    echo "ab-revisions.sh: server $3 did not come up:" >&2; cat "$work/$3.out" >&2; exit 1
}
rps() { wrk -t1 -c"$2" -d"$DUR" "http://127.0.0.1:$1/cgi-bin/hello" | awk '/Requests\/sec/ {print int($2)}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

jar_a=$(build "$A" a); jar_b=$(build "$B" b)
start "$jar_a" "$PORT_A" a "${JAVA_OPTS_A:-}"; start "$jar_b" "$PORT_B" b "${JAVA_OPTS_B:-}"
wrk -t1 -c8 -d"$WARM" "http://127.0.0.1:$PORT_A/cgi-bin/hello" >/dev/null
wrk -t1 -c8 -d"$WARM" "http://127.0.0.1:$PORT_B/cgi-bin/hello" >/dev/null

echo "A = $A ($(git -C "$root" rev-parse --short "$A"))${JAVA_OPTS_A:+ with $JAVA_OPTS_A}, B = $B ($(git -C "$root" rev-parse --short "$B"))${JAVA_OPTS_B:+ with $JAVA_OPTS_B}; DUR=$DUR REPS=$REPS"
echo "| c | A req/s (runs) | B req/s (runs) | B/A |"
echo "|---|---|---|---|"
for c in $CONNS; do
    ra=(); rb=()
    for _ in $(seq "$REPS"); do ra+=("$(rps "$PORT_A" "$c")"); rb+=("$(rps "$PORT_B" "$c")"); done
    ma=$(printf '%s\n' "${ra[@]}" | median); mb=$(printf '%s\n' "${rb[@]}" | median)
    echo "| $c | $ma (${ra[*]}) | $mb (${rb[*]}) | $(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", b / a}') |"
done
