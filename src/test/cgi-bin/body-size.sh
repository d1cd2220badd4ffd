#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\nCONTENT_LENGTH=%s\n' "$CONTENT_LENGTH"
printf 'read=%s\n' "$(wc -c | tr -d ' ')"
