package org.tracegate.gateway.cgi;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.tracegate.trace.TraceEvent;

/**
 * Keeps the first {@code limit} bytes of a request body and hashes all of it, as the stdin pump passes it on, so a
 * failed request's trace can carry the body for {@code tracegate replay} (CGI_REQUEST_BODY). The buffer grows with
 * the body, so a small body costs only its size. Used by one pump thread.
 */
final class BodyRecorder {
    private final int limit;
    private final MessageDigest sha256;
    private byte[] kept = new byte[0];
    private int size;
    private long total;

    BodyRecorder(int limit) {
        this.limit = limit;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    void add(byte[] buf, int off, int n) {
        sha256.update(buf, off, n);
        total += n;
        int take = Math.min(n, limit - size);
        if (take <= 0) return;
        if (size + take > kept.length) kept = Arrays.copyOf(kept, Math.min(limit, Math.max(size + take, kept.length * 2)));
        System.arraycopy(buf, off, kept, size, take);
        size += take;
    }

    TraceEvent.CgiRequestBody event() {
        return new TraceEvent.CgiRequestBody(Arrays.copyOf(kept, size), total, HexFormat.of().formatHex(sha256.digest()));
    }
}
