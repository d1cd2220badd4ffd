#!/bin/sh
# Broken on purpose: a perfectly valid program that demo/tracegate.toml leaves out of
# [restrictions].allowed. Expect 404.2 (denied by the CGI restriction list).
printf 'Content-Type: text/plain\r\n\r\n'
echo "you should not see this: I am not on the allow-list"
