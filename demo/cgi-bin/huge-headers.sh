#!/bin/sh
# Broken on purpose: one header line of 20000 'x' bytes, over the 16 KiB header-line limit.
# Expect 502.2, header line too long.
printf 'Content-Type: text/plain\r\n'
printf 'X-Huge: '
head -c 20000 /dev/zero | tr '\0' 'x'
printf '\r\n\r\nyou should not see this\n'
