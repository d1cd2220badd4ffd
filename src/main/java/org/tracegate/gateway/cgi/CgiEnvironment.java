package org.tracegate.gateway.cgi;

import static org.tracegate.gateway.cgi.MetaVariables.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.gateway.GatewayRequest;

/**
 * Builds a CGI program's environment: RFC 3875 §4.1 meta-variables, HTTP_* headers, then the policy.
 *
 * <p>Every name and value it returns is an <em>octet string</em>: one char per byte, 0–255, exactly the bytes
 * the program will see (the launcher writes them as ISO-8859-1; see {@code LaunchSpec}). Header values
 * ({@link GatewayRequest#headers()}, and CONTENT_TYPE from them) already are octets, as the HTTP layer hands
 * them over (Jetty decodes a field value as ISO-8859-1), so they pass unchanged: {@code caf\xc3\xa9} on the
 * wire is {@code caf\xc3\xa9} in HTTP_*, and a byte that is not UTF-8 stays that byte. Everything we hold as
 * text (the decoded SCRIPT_NAME and PATH_INFO, the URI and query, paths, the inherited and configured
 * variables) is converted once, to its UTF-8 bytes.
 */
public final class CgiEnvironment {
    private CgiEnvironment() {}

    public static final String VERSION = org.tracegate.config.Version.NUMBER;
    public static final String SOFTWARE = org.tracegate.config.Version.PRODUCT;

    /**
     * Returns the environment in insertion order: meta-variables, HTTP_* variables, names the policy
     * inherits from {@code serverEnv}, then the policy's fixed variables. Later entries win; an
     * overridden name keeps its first position. Nothing else of {@code serverEnv} is passed. Header values
     * with CR, LF or NUL are dropped.
     */
    public static Map<String, String> build(GatewayRequest r, EnvironmentPolicy policy, Map<String, String> serverEnv) {
        List<Map.Entry<String, String>> hs = r.headers();
        LinkedHashMap<String, String> env = LinkedHashMap.newLinkedHashMap(
                24 + hs.size() + policy.inherit().size() + policy.set().size());
        env.put(GATEWAY_INTERFACE, "CGI/1.1");
        env.put(SERVER_SOFTWARE, SOFTWARE);
        env.put(REQUEST_METHOD, octets(r.method()));
        env.put(SCRIPT_NAME, octets(r.scriptName()));
        String pathInfo = r.pathInfo();
        if (pathInfo != null && !pathInfo.isEmpty()) {
            env.put(PATH_INFO, octets(pathInfo));
            if (r.documentRoot() != null) {
                env.put(PATH_TRANSLATED, octets(stripTrailingSlashes(r.documentRoot()) + pathInfo));
            }
        }
        env.put(QUERY_STRING, r.rawQuery() == null ? "" : octets(r.rawQuery()));
        env.put(SERVER_NAME, octets(r.serverName()));
        env.put(SERVER_PORT, Integer.toString(r.serverPort()));
        env.put(SERVER_PROTOCOL, octets(r.protocol()));
        env.put(SERVER_ADDR, octets(unbracket(r.serverAddr())));
        String remote = octets(unbracket(r.remoteAddr()));
        env.put(REMOTE_ADDR, remote);
        env.put(REMOTE_HOST, remote);                 // RFC 3875 §4.1.9: the address when no DNS lookup is done
        env.put(REMOTE_PORT, Integer.toString(r.remotePort()));
        if (r.hasBody()) {
            env.put(CONTENT_LENGTH, Long.toString(r.contentLength()));
            if (r.contentType() != null) env.put(CONTENT_TYPE, r.contentType());
        }
        // AUTH_TYPE and REMOTE_USER are for a user the server itself authenticated (RFC 3875 §4.1.1, §4.1.11);
        // Tracegate authenticates nobody, so neither is ever set from what a client claims.
        env.put(REQUEST_URI, octets(r.requestUri()));
        if (r.scriptFile() != null) env.put(SCRIPT_FILENAME, octets(r.scriptFile().toString()));
        if (r.documentRoot() != null) env.put(DOCUMENT_ROOT, octets(r.documentRoot().toString()));
        if (r.https()) env.put(HTTPS, "on");
        env.put(REDIRECT_STATUS, "200");              // php-cgi refuses to run without it (force-cgi-redirect)

        for (int i = 0, n = hs.size(); i < n; i++) {
            Map.Entry<String, String> h = hs.get(i);
            String name = httpName(h.getKey());
            String value = h.getValue();
            if (name == null || value == null || !allowed(name, r.passAuthorization()) || hasCrLfNul(value)) continue;
            String prev = env.get(name);
            env.put(name, prev == null ? value : prev + (name.equals("HTTP_COOKIE") ? "; " : ", ") + value);
        }

        for (String key : policy.inherit()) {
            String v = serverEnv.get(key);
            if (v != null) env.put(octets(key), octets(v));
        }
        for (Map.Entry<String, String> e : policy.set().entrySet()) env.put(octets(e.getKey()), octets(e.getValue()));
        return env;
    }

    /** The UTF-8 bytes of {@code text} as an octet string; {@code text} itself when it is ASCII (the usual case). */
    public static String octets(String text) {
        if (text == null) return null;
        for (int i = 0, n = text.length(); i < n; i++) {
            if (text.charAt(i) >= 0x80) {
                return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            }
        }
        return text;
    }

    /** HTTP_ + upper-cased name with '-' → '_', or null when the name has a byte outside [A-Za-z0-9-]. */
    static String httpName(String header) {
        if (header == null || header.isEmpty()) return null;
        int n = header.length();
        char[] out = new char[5 + n];
        HTTP_PREFIX.getChars(0, 5, out, 0);
        for (int i = 0; i < n; i++) {
            char c = header.charAt(i);
            if (c >= 'a' && c <= 'z') c -= 32;
            else if (c == '-') c = '_';
            else if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) return null;
            out[5 + i] = c;
        }
        return new String(out);
    }

    private static boolean allowed(String name, boolean passAuthorization) {
        return switch (name) {
            case "HTTP_PROXY" -> false;              // httpoxy: a client must not set the program's proxy
            case "HTTP_PROXY_AUTHORIZATION" -> false; // credentials for a proxy, never for the program
            case "HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE" -> false;   // they are CONTENT_LENGTH/CONTENT_TYPE
            case "HTTP_AUTHORIZATION" -> passAuthorization;
            default -> true;
        };
    }

    private static boolean hasCrLfNul(String v) {
        for (int i = 0, n = v.length(); i < n; i++) {
            char c = v.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) return true;
        }
        return false;
    }



    private static String stripTrailingSlashes(Path root) {
        String s = root.toString();
        int e = s.length();
        while (e > 0 && s.charAt(e - 1) == '/') e--;
        return s.substring(0, e);
    }

    private static String unbracket(String addr) {
        if (addr != null && addr.length() >= 2 && addr.charAt(0) == '[' && addr.charAt(addr.length() - 1) == ']') {
            return addr.substring(1, addr.length() - 1);
        }
        return addr;
    }
}
