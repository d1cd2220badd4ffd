package org.tracegate.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The path glob shared by deny rules and trace sessions' filters. */
class PathGlobTest {
    @ParameterizedTest
    @CsvSource({
            "/dokuwiki/**/.ht*, /dokuwiki/.htaccess, true",
            "/dokuwiki/**/.ht*, /dokuwiki/lib/.htpasswd, true",
            "/dokuwiki/**/.ht*, /dokuwiki/lib/x/.ht, true",
            "/dokuwiki/**/.ht*, /dokuwiki/lib/ht.txt, false",
            "/**/*.bak, /a/b/c.bak, true",
            "/**/*.bak, /c.bak, true",
            "/a/*.txt, /a/b.txt, true",
            "/a/*.txt, /a/b/c.txt, false",
            "/a/**, /a/b/c, true",
            "/a/?.txt, /a/bb.txt, false",
            "/a/?.txt, /a/b.txt, true",
            "/a/**/b, /a/b, true",
            "/a/**/b, /a/x/y/b, true",
            "/a/**/b, /ab, false",
            "/a.b/*, /axb/c, false",
    })
    void globsMatchAsShellGlobsWithDoubleStar(String glob, String path, boolean matches) {
        assertThat(PathGlob.compile(glob).matcher(path).matches()).isEqualTo(matches);
    }
}
