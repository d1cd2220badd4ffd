#!/bin/sh
# Working: a client redirect with a document (RFC 3875 6.2.4): the browser gets a 302 to /index.html.
printf 'Status: 302 Found\r\n'
printf 'Location: /index.html\r\n'
printf 'Content-Type: text/html; charset=utf-8\r\n'
printf '\r\n'
printf '<p>Moved to <a href="/index.html">/index.html</a>.</p>\n'
