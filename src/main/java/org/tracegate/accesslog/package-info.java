/**
 * Access logs: one line per finished request, in IIS's W3C extended format ({@link W3cLogWriter})
 * or NCSA combined ({@link NcsaLogWriter}), written off the request thread with daily and size
 * rollover; {@link W3cLogParser} reads W3C files back (ours or IIS's). JDK only. See docs/access-log.md.
 */
package org.tracegate.accesslog;
