#!/bin/sh
echo "about to kill myself with ${QUERY_STRING:-KILL}" >&2
kill -"${QUERY_STRING:-KILL}" $$
