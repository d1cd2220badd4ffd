package org.tracegate.http;

import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.tracegate.gateway.fastcgi.RequestLanes;

/**
 * The site's thread pool. One exception to "execute": when a FastCGI lane (or the selector, reacting to php-fpm's
 * answer: {@link FastCgiChannel}) completes a response, Jetty resumes the HTTP connection (to read its next request)
 * by executing it on the pool; that thread runs it itself instead. Our
 * handlers never block on that thread (SiteHandler), and the resumed connection mostly just asks the selector to
 * watch for the next request: waking a pool thread for that was one more context switch per request.
 */
final class SiteThreads extends QueuedThreadPool {
    SiteThreads(int maxThreads, int minThreads) {
        super(maxThreads, minThreads);
    }

    @Override
    public void execute(Runnable job) {
        if (job instanceof HeadGateConnection && (RequestLanes.onLane() || FastCgiChannel.running())) {
            job.run();
            return;
        }
        super.execute(job);
    }
}
