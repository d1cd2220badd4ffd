# Sourced by the bench scripts: bench_programs DIR writes the shared CGI programs into DIR — `hello` (static C,
# no dynamic loader in the timing) and `stream.sh` (a header, then exec head -c 1G /dev/zero, so the server
# reads straight from head's pipe).
bench_programs() {
    mkdir -p "$1"
    gcc -O2 -static -o "$1/hello" "$(dirname "${BASH_SOURCE[0]}")/hello.c"
    printf '#!/bin/sh\nprintf '"'"'Content-Type: application/octet-stream\\r\\n\\r\\n'"'"'\nexec head -c 1G /dev/zero\n' > "$1/stream.sh"
    chmod 755 "$1/stream.sh"
}
