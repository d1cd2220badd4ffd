package org.tracegate.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.tracegate.gateway.cgi.InvalidResponseHeadException;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseHeadParser;

/**
 * One parser per response, as CgiGateway does, so the benchmark includes the parser's own allocation
 * (block buffer, header list, strings). The whole block arrives in one read, which is the common case
 * for a small program (a single pipe read of up to 64 KiB).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseSerialGC")
public class ResponseHeadParserBench {

    private static final ResponseHeadParser.Limits LIMITS = ResponseHeadParser.Limits.defaults();

    /** A typical document response: 6 headers, then the start of the body in the same read. */
    private byte[] typical;
    /** A heavy one: 60 headers (cookies, CSP, caching...), about 3.5 KiB. */
    private byte[] many;

    @Setup
    public void setup() {
        typical = ("Content-Type: text/html; charset=utf-8\r\n"
                + "Cache-Control: no-store\r\n"
                + "Set-Cookie: sid=3f9a2c7d41e0b5a6; Path=/; HttpOnly; SameSite=Lax\r\n"
                + "X-Frame-Options: DENY\r\n"
                + "Content-Length: 1234\r\n"
                + "Status: 200 OK\r\n"
                + "\r\n<html>body starts here").getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder("Content-Type: application/json\r\n");
        for (int i = 1; i < 60; i++) {
            sb.append("X-Custom-Header-").append(i).append(": value-").append(i)
              .append("; some=parameter; other=\"quoted value ").append(i).append("\"\r\n");
        }
        many = sb.append("\r\n{}").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Benchmark
    public ResponseHead typical6Headers() throws InvalidResponseHeadException {
        ResponseHeadParser p = new ResponseHeadParser(LIMITS);
        p.feed(typical, 0, typical.length);
        return p.result();
    }

    @Benchmark
    public ResponseHead large60Headers() throws InvalidResponseHeadException {
        ResponseHeadParser p = new ResponseHeadParser(LIMITS);
        p.feed(many, 0, many.length);
        return p.result();
    }
}
