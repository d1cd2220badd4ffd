#!/bin/sh
printf 'Status: %s\r\nContent-Type: text/plain\r\n\r\nstatus body\n' "${QUERY_STRING:-299 Custom Reason}" | sed 's/%20/ /g'
