#!/bin/sh
printf 'HTTP/9 OK\r\n\r\n'
