#!/bin/sh
# Reports its environment as env-KEY=value lines (Go's test.cgi idea) and its pid.
printf 'Content-Type: text/plain\r\nX-CGI-Pid: %s\r\n\r\n' "$$"
env | sort | sed 's/^/env-/'
