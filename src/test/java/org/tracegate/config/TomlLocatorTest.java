package org.tracegate.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TomlLocatorTest {

    private static final String TEXT = """
            # comment with key = 1 and [table]
            listen = [
              "127.0.0.1:8080",   # first
              "[::1]:8080",
            ]
            a.b."c.d" = 1
            banner = \"""
            fake = 1
            [fake]
            \"""
            literal = '''
            [[cgi]]
            '''
            quoted = "x = \\" [y]"

            [limits]
            headerTimeoutSeconds = 30 # trailing
              maxConcurrent=4

            [[cgi]]
            prefix = "/a/"

            [[cgi]]   # second
            prefix = "/b/"
            opts = { deep = { x = 1 }, y = [ {z = 2}, {z = 3} ] }

            [cgi.extra]
            k = 1

            [ "environment" . set ]
            APP_ENV = "demo"
            'odd key' = "v"
            """;

    private final TomlLocator locator = TomlLocator.of(TEXT);

    @Test
    void locatesKeysTablesAndArrayElements() {
        assertThat(locator.line("listen")).isEqualTo(2);
        assertThat(locator.line("listen[0]")).isEqualTo(3);
        assertThat(locator.line("listen[1]")).isEqualTo(4);
        assertThat(locator.line("a.b")).isEqualTo(6);
        assertThat(locator.line("banner")).isEqualTo(7);
        assertThat(locator.line("literal")).isEqualTo(11);
        assertThat(locator.line("quoted")).isEqualTo(14);
        assertThat(locator.line("limits")).isEqualTo(16);
        assertThat(locator.line("limits.headerTimeoutSeconds")).isEqualTo(17);
        assertThat(locator.line("limits.maxConcurrent")).isEqualTo(18);
        assertThat(locator.line("cgi")).isEqualTo(20);
        assertThat(locator.line("cgi[0]")).isEqualTo(20);
        assertThat(locator.line("cgi[0].prefix")).isEqualTo(21);
        assertThat(locator.line("cgi[1]")).isEqualTo(23);
        assertThat(locator.line("cgi[1].prefix")).isEqualTo(24);
        assertThat(locator.line("cgi[1].opts.deep.x")).isEqualTo(25);
        assertThat(locator.line("cgi[1].opts.y[1].z")).isEqualTo(25);
        assertThat(locator.line("cgi[1].extra.k")).isEqualTo(28);
        assertThat(locator.line("environment.set")).isEqualTo(30);
        assertThat(locator.line("environment.set.APP_ENV")).isEqualTo(31);
        assertThat(locator.line("environment.set.odd key")).isEqualTo(32);
    }

    @Test
    void stringsAndCommentsHideWouldBeKeys() {
        assertThat(locator.line("fake")).isZero();
        assertThat(locator.line("y")).isZero();
        assertThat(locator.line("cgi[2]")).isEqualTo(20); // only two [[cgi]]: falls back to "cgi"
    }

    @Test
    void missingKeysFallBackToTheNearestEnclosingOne() {
        assertThat(locator.line("limits.nope")).isEqualTo(16);
        assertThat(locator.line("cgi[1].directory")).isEqualTo(23);
        assertThat(locator.line("listen[7]")).isEqualTo(2);
        assertThat(locator.line("nothing.at.all")).isZero();
    }

    @Test
    void nestedArraysOfTables() {
        TomlLocator l = TomlLocator.of("[[a]]\n[[a.b]]\nx=1\n[[a.b]]\nx=2\n[[a]]\n[[a.b]]\nx=3\n[a.c]\ny=1\n");
        assertThat(l.line("a[0].b[0].x")).isEqualTo(3);
        assertThat(l.line("a[0].b[1].x")).isEqualTo(5);
        assertThat(l.line("a[1]")).isEqualTo(6);
        assertThat(l.line("a[1].b[0].x")).isEqualTo(8);
        assertThat(l.line("a[1].c.y")).isEqualTo(10);
    }

    @Test
    void findsTheFirstRedefinition() {
        TomlLocator l = TomlLocator.of("a = 1\n[t]\nx = 1\ny = 2\nx = 3\n");
        assertThat(l.redefinition()).contains(new TomlLocator.Redefinition("t.x", 5, 3));
        assertThat(locator.redefinition()).isEmpty();
    }

    @Test
    void neverFailsOnGarbage() {
        for (String garbage : new String[] {"", "[", "[[", "a", "a =", "= 1", "\"", "'''", "a = {", "a = [", "x = \"\\u12",
                "[a.\"b\nc = 1", "\\", "a = [1, {b = ", "]]]]", "a.b. = 1"}) {
            TomlLocator.of(garbage).line("a");
        }
        assertThat(TomlLocator.of("a = [\n1,\n\"\"\"\n\"\"\"\n]\nb = 1\n").line("b")).isEqualTo(6);
    }

    @Test
    void parentPaths() {
        assertThat(TomlLocator.parent("a.b[2]")).isEqualTo("a.b");
        assertThat(TomlLocator.parent("a[1].c")).isEqualTo("a[1]");
        assertThat(TomlLocator.parent("a")).isNull();
    }
}
