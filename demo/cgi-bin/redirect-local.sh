#!/bin/sh
# Working: a local redirect (RFC 3875 6.2.2). Only a Location with a path, no body:
# the server serves /cgi-bin/hello.sh?from=redirect internally; the browser's URL does not change.
printf 'Location: /cgi-bin/hello.sh?from=redirect\r\n\r\n'
