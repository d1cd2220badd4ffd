#!/bin/sh
# Prints the numbers 1..$QUERY_STRING, one a line: a body whose every byte is checkable.
printf 'Content-Type: text/plain\r\n\r\n'
exec seq 1 "${QUERY_STRING:-10}"
