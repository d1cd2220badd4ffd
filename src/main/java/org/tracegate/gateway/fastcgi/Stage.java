package org.tracegate.gateway.fastcgi;

/** How far a response had come when a request broke off before END_REQUEST. */
public enum Stage {
    /** Not one STDOUT byte had arrived. */
    BEFORE_STDOUT,
    /** STDOUT had started, the header block was not complete. */
    IN_HEAD,
    /** The header block was complete; the body was arriving. */
    IN_BODY,
    /** STDOUT had been ended by its empty record; only END_REQUEST was missing. */
    AFTER_STDOUT
}
