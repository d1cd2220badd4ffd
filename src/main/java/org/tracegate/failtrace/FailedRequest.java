package org.tracegate.failtrace;

import java.util.List;

/**
 * What one trace file says: the root element's attributes and the events kept (already filtered by the
 * rule's verbosity and areas).
 *
 * @param url             GENERAL_REQUEST_START's RequestURL, as received
 * @param status          the final status, or for a request still running, the status set so far (200 when none)
 * @param triggerStatus   the status that fired the rule (the final status; for TIME_TAKEN the same as status)
 * @param timeTakenMillis time from the request's start to the end, or to the moment a time rule fired
 * @param lostEvents      events the request's bounded trace buffer dropped before we saw them
 */
record FailedRequest(String url, int siteId, String appPoolId, long processId, String verb, String activityId,
                     FailureReason reason, int status, int subStatus, int triggerStatus, int triggerSubStatus,
                     long timeTakenMillis, long startMicros, List<FrebEvent> events, int lostEvents) {

    enum FailureReason { STATUS_CODE, TIME_TAKEN }

    static String code(int status, int sub) { return sub == 0 ? Integer.toString(status) : status + "." + sub; }

    String statusCode() { return code(status, subStatus); }

    String triggerStatusCode() { return code(triggerStatus, triggerSubStatus); }

    /** The URL's path, without scheme, authority and query: what rules match on. */
    String path() {
        int[] r = UrlPath.range(url);
        return url.substring(r[0], r[1]);
    }
}
