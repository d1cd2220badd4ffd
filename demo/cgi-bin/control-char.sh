#!/bin/sh
# Broken on purpose: a header value containing a raw 0x01 control byte (line 2).
# Expect 502.2 quoting the byte.
printf 'Content-Type: text/plain\r\n'
printf 'X-Note: before\001after\r\n'
printf '\r\n'
printf 'you should not see this\n'
