#!/bin/sh
# Broken on purpose: starts a background grandchild, then hangs without output.
# Expect 502.1 after the 5 s header timeout; the whole process group dies, the
# grandchild "sleep 300" included (check with: ps -eo pid,pgid,args | grep 'sleep 300').
sleep 300 &
echo "spawns-grandchild.sh: started grandchild pid $!; now hanging" >&2
sleep 300
printf 'Content-Type: text/plain\r\n\r\ntoo late\n'
