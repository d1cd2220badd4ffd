#!/bin/sh
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Nph: raw\r\n\r\nraw nph body\n'
