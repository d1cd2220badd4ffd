#!/bin/sh
# Broken on purpose: Status must start with a three-digit code ("Status: 200 OK").
# Expect 502.2, invalid Status.
printf 'Status: OK\r\n'
printf 'Content-Type: text/plain\r\n'
printf '\r\n'
printf 'you should not see this\n'
