#!/bin/sh
# Closes stdout after a partial header, then keeps running briefly.
printf 'Content-Type: text/plain\r\n'
exec >&-
sleep 0.3
exit 0
