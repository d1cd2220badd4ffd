package org.tracegate.cli;

import java.io.IOException;
import java.net.BindException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says in plain words why a listener could not be opened, naming the address as the operator wrote it:
 * "cannot listen on 127.0.0.1:8080: address already in use".
 */
final class ListenFailure {
    /** Jetty's wording, e.g. "Failed to bind to /127.0.0.1:8080" or "Failed to bind to localhost/127.0.0.1:8080". */
    private static final Pattern JETTY = Pattern.compile("Failed to bind to (?:[^/]*/)?(.*):(\\d+)");

    private ListenFailure() {}

    /** The message for {@code failure} of a server configured with {@code listen}. */
    static String describe(IOException failure, List<String> listen) {
        return "cannot listen on " + address(failure, listen) + ": " + reason(failure);
    }

    private static String address(IOException failure, List<String> listen) {
        Matcher m = JETTY.matcher(String.valueOf(failure.getMessage()));
        if (!m.matches()) return listen.size() == 1 ? listen.getFirst() : String.join(", ", listen);
        String port = ":" + m.group(2);
        List<String> samePort = listen.stream().filter(l -> l.endsWith(port)).toList();
        return samePort.size() == 1 ? samePort.getFirst() : m.group(1) + port;
    }

    private static String reason(IOException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) return "the host name does not resolve to an address";
            if (t instanceof BindException b && b.getMessage() != null) {
                String words = b.getMessage().toLowerCase(Locale.ROOT);
                return switch (words) {
                    case "permission denied" -> "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
                    case "cannot assign requested address" -> "cannot assign requested address (no interface of this machine has it)";
                    default -> words;
                };
            }
        }
        return String.valueOf(failure.getMessage());
    }
}
