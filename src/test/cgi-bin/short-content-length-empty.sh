#!/bin/sh
# Declares 100 bytes and sends none.
printf 'Content-Type: text/plain\r\nContent-Length: 100\r\n\r\n'
