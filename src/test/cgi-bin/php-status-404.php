<?php
// A PHP program's own 404 via a raw "Status:" header (no reason phrase): relayed, not replaced.
header("Status: 404");
echo "php says: no such widget (Status header)\n";
