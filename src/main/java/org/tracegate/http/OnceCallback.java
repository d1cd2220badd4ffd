package org.tracegate.http;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.Callback;
import org.tracegate.trace.ErrorLog;

/**
 * Jetty's callback, completed at most once: a second completion is a bug of ours, so it is logged with the
 * request id instead of reaching Jetty (where it would throw or corrupt the next request on the connection).
 */
final class OnceCallback implements Callback {
    private final Callback delegate;
    private final ErrorLog errorLog;
    private final String requestId;
    private final AtomicBoolean done = new AtomicBoolean();

    OnceCallback(Callback delegate, ErrorLog errorLog, String requestId) {
        this.delegate = delegate;
        this.errorLog = errorLog;
        this.requestId = requestId;
    }

    @Override
    public void succeeded() {
        if (done.compareAndSet(false, true)) delegate.succeeded();
        else errorLog.log(requestId, "internal error: the request was completed twice (second: success)");
    }

    @Override
    public void failed(Throwable x) {
        if (done.compareAndSet(false, true)) delegate.failed(x);
        else errorLog.log(requestId, "internal error: the request was completed twice (second: failure " + x + ")");
    }

    boolean isDone() { return done.get(); }

    @Override
    public InvocationType getInvocationType() { return delegate.getInvocationType(); }
}
