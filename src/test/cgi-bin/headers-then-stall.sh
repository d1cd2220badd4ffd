#!/bin/sh
# A valid header block, then silence: the idle timeout fires before any body byte was sent.
printf 'Content-Type: text/plain\r\n\r\n'
sleep 300
