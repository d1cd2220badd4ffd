#!/bin/sh
trap '' TERM
sleep 300
