package org.tracegate.config;

import java.util.List;
import java.util.Locale;

/**
 * One name-based virtual host (a {@code [[site]]} table, as Apache's {@code <VirtualHost>} with ServerName and
 * ServerAlias): the host names it answers and its own mappings, document root and access log.
 *
 * @param id     IIS's site id: 1 for the first [[site]], which also answers every host no other site names
 * @param hosts  host names, lower case; "*.example.com" matches any name ending in ".example.com"
 * @param config the whole configuration as this site sees it: the server-wide settings with the site's own
 *               mappings, documentRoot and index
 */
public record VirtualSite(int id, List<String> hosts, ServerConfig config) {
    public VirtualSite {
        hosts = List.copyOf(hosts);
    }

    /** Whether {@code host} (without a port; any case) is one of this site's names. */
    public boolean answers(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        for (String name : hosts) {
            if (name.startsWith("*.") ? h.endsWith(name.substring(1)) : h.equals(name)) return true;
        }
        return false;
    }

    /** "site 2 (git.example.com)", for messages. */
    public String describe() {
        return "site " + id + (hosts.isEmpty() ? " (the default)" : " (" + String.join(", ", hosts) + ")");
    }
}
