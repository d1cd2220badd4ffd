#!/bin/sh
# A Status line whose reason phrase holds a control character (SOH): a malformed header block.
printf 'Status: 200 OK\001\r\nContent-Type: text/plain\r\n\r\nbody\n'
