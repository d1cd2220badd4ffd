#!/bin/sh
# Working: every environment variable the program received, sorted.
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
env | sort
