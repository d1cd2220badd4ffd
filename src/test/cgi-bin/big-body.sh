#!/bin/sh
# Streams $QUERY_STRING MiB of zeros.
printf 'Content-Type: application/octet-stream\r\n\r\n'
head -c "$((${QUERY_STRING:-1} * 1048576))" /dev/zero
