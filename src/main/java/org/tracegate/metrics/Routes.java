package org.tracegate.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.tracegate.config.ServerConfig;

/**
 * OpenTelemetry's {@code http.route}: the configured mapping a URL falls under (a CGI, FastCGI or alias prefix),
 * "/" for the document root, and "other" for anything else. The set is fixed by the configuration, so the label
 * stays bounded whatever paths clients ask for.
 */
public final class Routes {
    private final List<String> prefixes;
    private final boolean documentRoot;

    public Routes(ServerConfig config) {
        List<String> p = new ArrayList<>();
        boolean root = false;
        // Every site's mappings ([[site]]): still a bounded set, the configured prefixes.
        for (var site : config.siteList()) {
            ServerConfig c = site.config();
            c.cgi().forEach(m -> add(p, m.prefix()));
            c.fastcgi().forEach(m -> add(p, m.prefix()));
            c.aliases().forEach(m -> add(p, m.prefix()));
            root |= c.documentRoot() != null;
        }
        p.sort(Comparator.comparingInt(String::length).reversed()); // longest prefix wins, as in the router
        this.prefixes = List.copyOf(p);
        this.documentRoot = root;
    }

    /** The route of a request URL (origin or absolute form; the query is ignored). */
    public String of(String url) {
        String path = path(url);
        for (String prefix : prefixes) {
            String dir = prefix.endsWith("/") ? prefix : prefix + "/";
            if (path.startsWith(dir) || path.equals(dir.substring(0, dir.length() - 1))) return prefix;
        }
        return documentRoot && path.startsWith("/") ? "/" : "other";
    }

    private static void add(List<String> p, String prefix) {
        if (prefix != null && !prefix.isEmpty() && !p.contains(prefix)) p.add(prefix);
    }

    /** Every value {@link #of} can return. */
    public List<String> all() {
        List<String> all = new ArrayList<>(prefixes);
        if (documentRoot) all.add("/");
        all.add("other");
        return all;
    }

    static String path(String url) {
        if (url == null) return "";
        String u = url;
        int scheme = u.indexOf("://");
        if (scheme > 0 && scheme < 8) {
            int slash = u.indexOf('/', scheme + 3);
            u = slash < 0 ? "/" : u.substring(slash);
        }
        int q = u.indexOf('?');
        return q < 0 ? u : u.substring(0, q);
    }
}
