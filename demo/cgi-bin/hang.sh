#!/bin/sh
# Broken on purpose: never writes anything. Expect 502.1 after the 5 s header timeout;
# the server kills the process group.
echo "hang.sh: sleeping 300 s before any output" >&2
sleep 300
printf 'Content-Type: text/plain\r\n\r\ntoo late\n'
