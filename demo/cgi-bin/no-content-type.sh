#!/bin/sh
# Broken on purpose: a header block with neither Content-Type, Location nor Status.
# Expect 502.2: not a valid CGI response.
printf 'X-Powered-By: sh\r\n\r\n'
printf 'a body with no Content-Type\n'
