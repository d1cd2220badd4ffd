#!/bin/sh
# Closes stdout after a partial header, then keeps running briefly (well within the tests' 500 ms kill grace,
# which a loaded CI machine eats into: the exit status must be its own 0, not our SIGTERM).
printf 'Content-Type: text/plain\r\n'
exec >&-
sleep 0.05
exit 0
