#!/bin/sh
# Headers and its pid at once, then a long silence (client-disconnect and idle tests).
printf 'Content-Type: text/plain\r\n\r\npid=%s\n' "$$"
sleep 300
