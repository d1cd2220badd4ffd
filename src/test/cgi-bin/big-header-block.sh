#!/bin/sh
# 400 headers of ~150 bytes (about 60 KiB, under the 64 KiB and 500-line limits): all must reach the client.
printf 'Content-Type: text/plain\r\n'
i=0
pad=$(printf '%0130d' 0)
while [ $i -lt 400 ]; do
  printf 'X-Big-%03d: %s\r\n' "$i" "$pad"
  i=$((i + 1))
done
printf '\r\nbig headers ok\n'
