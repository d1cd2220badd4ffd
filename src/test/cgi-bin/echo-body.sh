#!/bin/sh
# Echoes the request body back, after the headers.
printf 'Content-Type: application/octet-stream\r\n\r\n'
exec cat
