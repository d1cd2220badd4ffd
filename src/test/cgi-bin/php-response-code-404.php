<?php
// A PHP program's own 404 via http_response_code(): php-cgi prints "Status: 404 Not Found".
http_response_code(404);
header('Content-Type: text/plain; charset=utf-8');
echo "php says: no such widget (http_response_code)\n";
