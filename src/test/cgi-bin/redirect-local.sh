#!/bin/sh
printf 'Location: /t/env.sh?from=redirect\r\n\r\n'
