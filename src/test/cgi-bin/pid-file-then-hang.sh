#!/bin/sh
# Records its pid (and a grandchild's) in $QUERY_STRING's file before hanging without headers.
sleep 300 &
echo "$$ $!" > "/tmp/tracegate-test-$QUERY_STRING.pid"
wait
