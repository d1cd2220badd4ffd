package org.tracegate.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.HostPort;

/**
 * SERVER_NAME and SERVER_PORT for a request (RFC 3875 §4.1.14, §4.1.15).
 *
 * <p>An absolute-form target ({@code GET http://righthost:123/x}) names the authority, and RFC 9112 §3.2.2
 * says to ignore Host then: name and port come from the target (port: the scheme's default when absent), as
 * Apache does. Otherwise the name is the Host header's and the port is the one the connection arrived on,
 * whatever port Host claims: a client can write anything in Host, and a program builds self-referencing
 * URLs from SERVER_PORT (Apache's UseCanonicalName Off with UseCanonicalPhysicalPort On).
 *
 * <p>Jetty fills the URI's authority from Host for an origin-form target, so the two differ exactly when the
 * target was absolute-form with an authority other than Host's (Jetty's MISMATCHED_AUTHORITY, allowed by
 * {@link TracegateServer}), or when there was no Host header at all.
 */
record ServerAuthority(String name, int port) {

    static ServerAuthority of(Request request) {
        HttpURI uri = request.getHttpURI();
        if (uri == null) return new ServerAuthority("", Request.getLocalPort(request));
        String host = request.getHeaders().get(HttpHeader.HOST);
        String uriHost = uri.getHost() == null ? "" : unbracket(uri.getHost());
        int uriPort = uri.getPort() > 0 ? uri.getPort() : HttpScheme.getDefaultPort(uri.getScheme());
        int connectionPort = Request.getLocalPort(request);
        if (host == null) return new ServerAuthority(uriHost, uriHost.isEmpty() ? connectionPort : uriPort);
        HostPort hp;
        try {
            hp = new HostPort(host);
        } catch (IllegalArgumentException e) {
            return new ServerAuthority(uriHost, connectionPort);
        }
        String hostName = unbracket(hp.getHost());
        int hostPort = hp.getPort() > 0 ? hp.getPort() : HttpScheme.getDefaultPort(uri.getScheme());
        boolean absoluteForm = !hostName.equalsIgnoreCase(uriHost) || hostPort != uriPort;
        return absoluteForm ? new ServerAuthority(uriHost, uriPort) : new ServerAuthority(hostName, connectionPort);
    }

    private static String unbracket(String h) {
        return h.length() >= 2 && h.charAt(0) == '[' && h.charAt(h.length() - 1) == ']' ? h.substring(1, h.length() - 1) : h;
    }
}
