package org.tracegate.gateway.fastcgi;

import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Puts a freshly connected socket on the HTTP server's event loop: the HTTP layer implements it, so that this
 * package never touches the server. {@code bound} gets the transport (on one of the server's threads), or
 * {@code failed} why the socket could not be registered.
 */
public interface PushBinder {
    void bind(SocketChannel channel, Consumer<PushTransport> bound, Consumer<Throwable> failed);
}
