package org.tracegate.operator;

import org.tracegate.admin.SessionControl;

/**
 * What the operator listener works with, gathered once by the server.
 *
 * @param token    the admin token (the same as in the log dir's admin.token)
 * @param sessions trace-session control, or null
 */
public record Operator(String token, SessionControl sessions) {}
