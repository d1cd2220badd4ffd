#!/bin/sh
# Broken on purpose: starts a header block, writes half a header line, and exits 1
# without ever sending the blank line that ends the headers.
# Expect 502.2 quoting the bytes it did send.
printf 'Content-Type: text/html\r\n'
printf 'X-Half: '
echo "partial-headers.sh: giving up halfway through the headers" >&2
exit 1
