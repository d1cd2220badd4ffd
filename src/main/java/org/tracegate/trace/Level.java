package org.tracegate.trace;

/** IIS's trace levels, most severe first. */
public enum Level { CRITICAL_ERROR, ERROR, WARNING, INFORMATION, VERBOSE }
