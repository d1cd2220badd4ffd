/**
 * Running one CGI program offline, without a server: {@code tracegate probe} (a synthetic request, linted) and
 * {@code tracegate replay} (a recorded failed request, run again). Both go through the gateway's own flow
 * ({@code CgiGateway}: the same environment builder, strict response-head parser, failure types and cause
 * sentences), so what they report is what a server would have answered. Depends on {@code gateway}, {@code process},
 * {@code traceformats} and {@code analysis}; never on Jetty.
 */
package org.tracegate.offline;
