#!/bin/sh
# Working: the program's own error response. The server relays the 404 and this body as they are;
# it does not replace them with an error page of its own.
printf 'Status: 404 Not Found\r\n'
printf 'Content-Type: text/html; charset=utf-8\r\n'
printf '\r\n'
printf '<!DOCTYPE html>\n<html><head><title>Not found</title></head>\n'
printf '<body><h1>no such widget</h1><p>This 404 page was written by status-404.sh.</p></body></html>\n'
