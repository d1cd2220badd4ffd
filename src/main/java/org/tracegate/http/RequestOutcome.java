package org.tracegate.http;

/**
 * What the access log needs beyond Jetty's own view of a request, left as a request attribute by
 * {@link CgiHandler}: IIS's substatus and win32 status (here the errno), the activity id and the
 * program's exit.
 */
record RequestOutcome(String activityId, int subStatus, int win32Status, String programExit) {
    static final String ATTRIBUTE = "tracegate.outcome";
}
