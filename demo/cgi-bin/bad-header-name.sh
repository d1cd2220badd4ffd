#!/bin/sh
# Broken on purpose: a space inside the header name on line 1.
# Expect 502.2, line 1: invalid header name.
printf 'Content Type: text/html\r\n\r\n<p>you should not see this</p>\n'
