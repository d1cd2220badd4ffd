/**
 * Text rules every package shares, each written once: escaping for HTML and XML documents ({@link Markup}),
 * the HTTP token characters ({@link HttpToken}) and the URL-path glob ({@link PathGlob}). JDK only and
 * importing nothing of ours, so any package may use it. JSON is not here: it is always written through Jackson.
 */
package org.tracegate.text;
