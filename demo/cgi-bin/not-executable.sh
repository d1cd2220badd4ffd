#!/bin/sh
# Broken on purpose: mode 644, not executable. Expect 403.1 (execute access forbidden);
# the server must never serve this file's source, so the line below must never reach a browser.
printf 'Content-Type: text/plain\r\n\r\n'
echo "SECRET=do-not-show"
