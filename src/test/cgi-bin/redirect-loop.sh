#!/bin/sh
printf 'Location: /t/redirect-loop.sh\r\n\r\n'
