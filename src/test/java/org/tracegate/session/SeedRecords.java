package org.tracegate.session;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.TraceEvent;
import org.tracegate.trace.TraceRecord;

/** The seed's request (the IIS 502.2 article) as our own trace records, with the article's times. */
public final class SeedRecords {
    public static final RequestContext CONTEXT =
            new RequestContext(UUID.fromString("00000000-0000-0000-4c06-0060000000ef"), 1, "DefaultAppPool", -1224979097571031481L, 0);

    private SeedRecords() {}

    public static List<TraceRecord> request() {
        return request(CONTEXT, "http://siteaddress:80/cgi-bin/htmlos.exe/00182.3.055317239900014075");
    }

    public static List<TraceRecord> request(RequestContext ctx, String url) {
        return List.of(
                at("2005-08-23T20:19:06Z", ctx, new TraceEvent.GeneralRequestStart(1, "DefaultAppPool", ctx.connId(), 0, url, "POST")),
                at("2005-08-23T20:19:07Z", ctx, new TraceEvent.CgiLaunch("\"D:\\Inetpub\\cgi-bin\\htmlos.exe\" ", "0", 3136)),
                at("2005-08-23T20:25:47Z", ctx, new TraceEvent.CgiPrematureTermination("", "", "")),
                at("2005-08-23T20:25:47Z", ctx, new TraceEvent.GeneralRequestEnd(370, 105906875, 502, 2)));
    }

    public static TraceRecord at(String instant, RequestContext ctx, TraceEvent e) {
        Instant t = Instant.parse(instant);
        return new TraceRecord(t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000, ctx, e);
    }

    public static RequestContext newContext() {
        return new RequestContext(UUID.randomUUID(), 1, "DefaultAppPool", 1, 0);
    }
}
