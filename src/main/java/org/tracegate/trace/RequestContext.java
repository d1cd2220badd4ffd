package org.tracegate.trace;

import java.util.UUID;

/**
 * The identity of one request, as IIS gives it: activity id ({@code ContextId}), site, application
 * pool, connection id and the raw per-connection request number.
 */
public record RequestContext(UUID activityId, int siteId, String appPoolId, long connId, long rawConnId) {

    /** The IIS spelling of the activity id: {@code {xxxxxxxx-...}}. */
    public String contextId() { return "{" + activityId + "}"; }

    /** A short id for log lines and error pages. */
    public String requestId() { return activityId.toString(); }
}
