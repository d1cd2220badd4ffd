#!/bin/sh
# Builds the demo's C programs into demo/cgi-bin/ (hello-c, crash-c).
# Rebuilds a program only when its source is newer than the binary or the binary is missing.
# Without a C compiler it prints one warning and exits 0: the rest of the demo still works.
set -eu

here=$(cd "$(dirname "$0")" && pwd)

cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
    for c in gcc clang; do
        if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
    done
fi
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "demo/build.sh: warning: no C compiler found (cc, gcc, clang); skipping hello-c and crash-c" >&2
    exit 0
fi

build() {
    src="$here/src/$1.c"
    bin="$here/cgi-bin/$2"
    # find -newer rather than test -nt, which POSIX does not define
    if [ ! -e "$bin" ] || [ -n "$(find "$src" -newer "$bin")" ]; then
        echo "demo/build.sh: $cc -O2 -o cgi-bin/$2 src/$1.c"
        "$cc" -O2 -o "$bin" "$src"
        chmod 755 "$bin"
    fi
}

build hello hello-c
build crash crash-c
