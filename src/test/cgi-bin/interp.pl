print "Content-Type: text/plain\r\n\r\nperl via mapping: $ENV{SCRIPT_NAME}\n";
