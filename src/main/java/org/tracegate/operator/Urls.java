package org.tracegate.operator;

/** A URL as the operator sees it by default: the query replaced, since it may carry tokens, passwords or personal data. */
final class Urls {
    static final String HIDDEN = "(query hidden)";

    private Urls() {}

    static String redact(String url, boolean showQuery) {
        if (showQuery || url == null) return url;
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q + 1) + HIDDEN;
    }
}
