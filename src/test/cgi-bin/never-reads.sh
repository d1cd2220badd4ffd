#!/bin/sh
# Answers without reading the request body at all.
printf 'Content-Type: text/plain\r\n\r\nignored your body\n'
