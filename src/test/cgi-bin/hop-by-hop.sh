#!/bin/sh
printf 'Content-Type: text/plain\r\nConnection: close\r\nKeep-Alive: timeout=5\r\nUpgrade: h2c\r\nX-Kept: yes\r\n\r\nbody\n'
