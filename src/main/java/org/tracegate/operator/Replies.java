package org.tracegate.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** How the operator listener answers: JSON through Jackson, HTML and text as UTF-8, never cached. */
final class Replies {
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Replies() {}

    static boolean json(Response response, Callback callback, int status, Object body) throws Exception {
        return bytes(response, callback, status, "application/json", JSON.writeValueAsBytes(body));
    }

    static boolean error(Response response, Callback callback, int status, String message) throws Exception {
        return json(response, callback, status, Map.of("error", message));
    }

    static boolean html(Response response, Callback callback, int status, String html) {
        return bytes(response, callback, status, "text/html;charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    static boolean bytes(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // The dashboard is never framed by another page (clickjacking its end buttons) and loads nothing from elsewhere.
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** 303 See Other: after a form's POST, the browser GETs the page again (a reload does not repost). */
    static boolean seeOther(Response response, Callback callback, String location, String setCookie) {
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        if (setCookie != null) response.getHeaders().add(HttpHeader.SET_COOKIE, setCookie);
        response.write(true, null, callback);
        return true;
    }
}
