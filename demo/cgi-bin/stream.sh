#!/bin/sh
# Working: one line per second for 5 seconds; the client sees each line as it is written.
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
i=1
while [ "$i" -le 5 ]; do
    echo "line $i of 5 at $(date +%H:%M:%S)"
    i=$((i + 1))
    [ "$i" -le 5 ] && sleep 1
done
echo "done"
