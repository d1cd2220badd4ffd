<?php
// A fatal error (call to an undefined function) after some output. php-cgi buffers the output, so it
// still answers "Status: 500 Internal Server Error" with that output as the body, exits 255, and
// writes "PHP Fatal error: ..." to stderr.
echo "output before the fatal error\n";
tracegate_no_such_function();
echo "never printed\n";
