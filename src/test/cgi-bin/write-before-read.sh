#!/bin/sh
# Writes 1 MiB before reading its stdin: a host that pumps sequentially would deadlock here.
printf 'Content-Type: text/plain\r\n\r\n'
head -c 1048576 /dev/zero | tr '\0' 'a'
wc -c | tr -d ' '
