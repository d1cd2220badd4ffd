#!/bin/sh
# Sends headers and a first line at once, then more after a pause: the client must see the first line early.
printf 'Content-Type: text/plain\r\n\r\nfirst\n'
sleep 1
echo second
