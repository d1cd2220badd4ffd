package org.tracegate.config;

/**
 * A path nothing may serve (Apache's {@code Require all denied}), checked before any mapping: 403.
 *
 * @param pattern a URL prefix ending in '/' ({@code "/dokuwiki/data/"}), or a glob over the decoded path in which
 *                {@code *} matches within a segment and {@code **} across segments ({@code "/**}{@code /.ht*"})
 */
public record DenyRule(String pattern) {
    public boolean isGlob() { return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0; }
}
