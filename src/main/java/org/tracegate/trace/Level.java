package org.tracegate.trace;

/** IIS's trace levels, most severe first. */
public enum Level {
    CRITICAL_ERROR, ERROR, WARNING, INFORMATION, VERBOSE;

    /** IIS's spelling, as FREB files and ETW rows show it: "CriticalError", "Error", "Warning", … */
    public String iisName() {
        return switch (this) {
            case CRITICAL_ERROR -> "CriticalError";
            case ERROR -> "Error";
            case WARNING -> "Warning";
            case INFORMATION -> "Information";
            case VERBOSE -> "Verbose";
        };
    }
}
