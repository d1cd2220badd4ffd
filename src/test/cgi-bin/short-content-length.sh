#!/bin/sh
# Declares 100 bytes, sends 5.
printf 'Content-Type: text/plain\r\nContent-Length: 100\r\n\r\nshort'
