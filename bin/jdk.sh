# Sourced by bin/tracegate and bin/test: sets JAVA_HOME to a JDK >= 25, or exits with one clear line.
tracegate_java_major() { # prints the major version of the java binary $1, or nothing
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
tracegate_find_jdk() {
    for home in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
                /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
        [ -n "$home" ] && [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
        major=$(tracegate_java_major "$home/bin/java")
        if [ -n "$major" ] && [ "$major" -ge 25 ]; then
            JAVA_HOME="$home"; export JAVA_HOME; return 0
        fi
    done
    echo "tracegate: no JDK 25 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm, /opt); install Temurin 25 and set JAVA_HOME" >&2
    exit 3
}
tracegate_find_jdk
