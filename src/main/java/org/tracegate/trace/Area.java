package org.tracegate.trace;

/** IIS's trace areas (ETW providers), named as IIS names them. */
public enum Area {
    GENERAL("IISGeneral"), CGI("IISCGI"), FASTCGI("IISFastCGI");

    private final String providerName;

    Area(String providerName) { this.providerName = providerName; }

    /** The ETW provider name IIS uses, e.g. "IISCGI" (the seed's EventName column). */
    public String providerName() { return providerName; }
}
