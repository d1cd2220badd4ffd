#!/bin/sh
# Working: a non-parsed-header program (name starts with "nph-"): it writes the HTTP status line
# and headers itself, and the server relays its output unchanged.
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nhello from NPH\n'
