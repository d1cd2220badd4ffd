#!/bin/sh
# Broken on purpose: valid headers and the start of a body, then silence.
# The 200 has already been sent, so no error page is possible: after the 5 s idle timeout the
# server kills the program and aborts the connection; the client sees a truncated response.
printf 'Content-Type: text/plain\r\n\r\n'
echo "partial body..."
sleep 300
echo "never reached"
