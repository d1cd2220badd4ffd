# Broken on purpose: executable, but no "#!" line. A shell would run it anyway; the server
# starts programs with posix_spawn (execve), which refuses it.
# Expect 502.3 (could not start), ENOEXEC.
echo "Content-Type: text/plain"
echo
echo "you should not see this"
