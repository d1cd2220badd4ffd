#!/usr/bin/no-such-interpreter
# Broken on purpose: the interpreter named on the shebang line does not exist.
# Expect 502.3 (could not start), ENOENT.
echo "Content-Type: text/plain"
echo
echo "you should not see this"
