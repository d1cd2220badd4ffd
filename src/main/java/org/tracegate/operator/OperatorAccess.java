package org.tracegate.operator;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Who may do what on the operator listener. Reading (the dashboard, /metrics, GET /api/) is open to loopback
 * callers; everything that changes state, and every request from another host, needs the admin token: as
 * {@code Authorization: Bearer TOKEN} (the CLI, a Prometheus with a credentials file), or a browser session that
 * began by posting the token to {@code /login}. A session is a random cookie (HttpOnly, SameSite=Strict), never the
 * token; its forms also carry a per-session nonce, so another page cannot post them (CSRF) and a program on this
 * machine, which can read the dashboard over loopback, still cannot end a request without the token.
 */
final class OperatorAccess {
    static final String COOKIE = "tracegate-operator";
    private static final Duration SESSION_LIFE = Duration.ofHours(12);
    private static final int MAX_SESSIONS = 64;

    private final byte[] bearer;
    private final byte[] token;
    private final SecureRandom random = new SecureRandom();
    /** Session id → its nonce and expiry. Bounded: the oldest are dropped past {@link #MAX_SESSIONS}. */
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    private record Session(String nonce, long expiresNanos) {}

    OperatorAccess(String token) {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.bearer = ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
    }

    static boolean loopback(Request request) {
        return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a
                && a.getAddress() != null && a.getAddress().isLoopbackAddress();
    }

    /** The request carries {@code Authorization: Bearer TOKEN}. */
    boolean bearer(Request request) {
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        return auth != null && MessageDigest.isEqual(auth.getBytes(StandardCharsets.US_ASCII), bearer);
    }

    /** {@code candidate} is the admin token (compared in constant time). */
    boolean isToken(String candidate) {
        return candidate != null && MessageDigest.isEqual(candidate.strip().getBytes(StandardCharsets.US_ASCII), token);
    }

    /** The signed-in browser session's nonce, or null when the request has no live session. */
    String sessionNonce(Request request) {
        for (HttpCookie c : Request.getCookies(request)) {
            if (!COOKIE.equals(c.getName())) continue;
            Session s = sessions.get(c.getValue());
            if (s != null && s.expiresNanos() - System.nanoTime() > 0) return s.nonce();
        }
        return null;
    }

    /** May read: a loopback caller, or anyone with the token or a session. */
    boolean mayRead(Request request) {
        return loopback(request) || bearer(request) || sessionNonce(request) != null;
    }

    /**
     * May change state: the bearer token; or a session whose form carried its nonce ({@code formNonce}), so the
     * post came from a page this listener rendered for that session.
     */
    boolean mayChange(Request request, String formNonce) {
        if (bearer(request)) return true;
        String nonce = sessionNonce(request);
        return nonce != null && formNonce != null && MessageDigest.isEqual(nonce.getBytes(StandardCharsets.US_ASCII),
                formNonce.getBytes(StandardCharsets.US_ASCII));
    }

    /** Starts a browser session (after the token was posted): the cookie value to set. */
    String newSession() {
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(java.util.Comparator.comparingLong(e -> e.getValue().expiresNanos()))
                    .ifPresent(e -> sessions.remove(e.getKey()));
        }
        String id = randomHex();
        sessions.put(id, new Session(randomHex(), System.nanoTime() + SESSION_LIFE.toNanos()));
        return id;
    }

    /** The Set-Cookie value for a session id. */
    static String cookie(String id) {
        return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + SESSION_LIFE.toSeconds();
    }

    private String randomHex() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
