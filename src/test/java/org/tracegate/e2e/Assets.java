package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches a page and everything it makes a browser fetch from the same server — stylesheets, scripts, images,
 * icons, and what the stylesheets' url(...) name — and reports each one's status and Content-Type.
 */
final class Assets {
    private static final Pattern TAG_URL = Pattern.compile(
            "<(?:link|script|img|input)\\b[^>]*?\\b(?:href|src)\\s*=\\s*[\"']([^\"'#]+)[\"']", Pattern.CASE_INSENSITIVE);
    private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*[\"']?([^\"')#]+)[\"']?\\s*\\)");

    record Fetched(int status, String contentType, String body) {}

    private Assets() {}

    /** The page and each asset it references (transitively through CSS), by URL. */
    static Map<URI, Fetched> crawl(HttpClient client, URI page) throws Exception {
        Map<URI, Fetched> seen = new LinkedHashMap<>();
        Deque<URI> todo = new ArrayDeque<>();
        todo.add(page);
        while (!todo.isEmpty()) {
            URI u = todo.poll();
            if (seen.containsKey(u)) continue;
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            seen.put(u, new Fetched(r.statusCode(), type, r.body()));
            Pattern p = type.startsWith("text/css") ? CSS_URL : type.startsWith("text/html") && u.equals(page) ? TAG_URL : null;
            if (p == null) continue;
            for (String ref : refs(p, r.body())) {
                // As a browser does: dot segments are removed before the request is sent (RFC 3986 §5.2.4).
                URI next = u.resolve(ref.replace("&amp;", "&")).normalize();
                if (next.getScheme() != null && next.getScheme().startsWith("http") && page.getAuthority().equals(next.getAuthority())) {
                    todo.add(next);
                }
            }
        }
        return seen;
    }

    /** Crawls and asserts the page and every asset answered 2xx; returns what was fetched. */
    static Map<URI, Fetched> assertAllOk(HttpClient client, URI page, int minimumAssets) throws Exception {
        Map<URI, Fetched> all = crawl(client, page);
        for (var e : all.entrySet()) {
            assertThat(e.getValue().status()).as("%s (%s)", e.getKey(), e.getValue().contentType()).isBetween(200, 299);
        }
        assertThat(all.size() - 1).as("assets referenced by %s: %s", page, all.keySet()).isGreaterThanOrEqualTo(minimumAssets);
        return all;
    }

    private static Set<String> refs(Pattern p, String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            String ref = m.group(1).trim();
            if (!ref.startsWith("data:") && !ref.startsWith("javascript:") && !ref.isEmpty()) out.add(ref);
        }
        return out;
    }
}
