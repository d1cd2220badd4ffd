#!/bin/sh
# Marks that it started (file named by $QUERY_STRING), holds its slot for a second, then answers.
touch "/tmp/tracegate-test-$QUERY_STRING.started"
sleep 1
printf 'Content-Type: text/plain\r\n\r\nok\n'
