package org.tracegate.failtrace;

/** Where the path is inside a RequestURL ("http://host:port/path?q" or "/path?q"), without allocating a copy. */
final class UrlPath {
    private UrlPath() {}

    /** {start, end} of the path in {@code url}; the path is empty when the URL has none. */
    static int[] range(String url) {
        return new int[] {start(url), end(url)};
    }

    static int start(String url) {
        int scheme = url.indexOf("://");
        int query = end(url);
        if (scheme < 0 || scheme > query) return 0;
        int slash = url.indexOf('/', scheme + 3);
        return slash < 0 || slash > query ? query : slash;
    }

    static int end(String url) {
        int q = url.indexOf('?');
        int h = url.indexOf('#');
        int end = url.length();
        if (q >= 0) end = q;
        if (h >= 0 && h < end) end = h;
        return end;
    }
}
