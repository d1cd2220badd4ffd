#!/bin/sh
# Broken on purpose: complains on stderr and exits 3 before writing any header.
# Expect 502.2, exit status 3, with the stderr line shown on the detailed error page.
echo "about to fail: config file missing" >&2
exit 3
