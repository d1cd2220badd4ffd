#!/bin/sh
# Broken on purpose: a CGI program must not choose the transfer coding; that is the server's job.
# Expect 502.2, Transfer-Encoding not allowed from a CGI program.
printf 'Content-Type: text/plain\r\n'
printf 'Transfer-Encoding: chunked\r\n'
printf '\r\n'
printf '5\r\nhello\r\n0\r\n\r\n'
