package org.tracegate.http;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;
import org.tracegate.gateway.fastcgi.PushBinder;
import org.tracegate.gateway.fastcgi.PushTransport;

/**
 * A site's connector, whose selector also carries the connections to external FastCGI servers ({@link PushBinder}):
 * a socket handed to {@link #bind} becomes a {@link FastCgiChannel} on the same selector as the HTTP clients, and is
 * not counted or gated as a client (it never passes the acceptor).
 */
final class SiteConnector extends ServerConnector implements PushBinder {

    /** What a FastCGI socket's registration is waiting for. */
    private record Binding(SocketChannel channel, Consumer<PushTransport> bound, Consumer<Throwable> failed) {}

    SiteConnector(Server server, ConnectionFactory factory) { super(server, factory); }

    /** FastCGI sockets being registered: the connector's accept listeners never hear of them. */
    private final Set<SelectableChannel> binding = ConcurrentHashMap.newKeySet();

    @Override
    public void bind(SocketChannel channel, Consumer<PushTransport> bound, Consumer<Throwable> failed) {
        binding.add(channel);
        getSelectorManager().accept(channel, new Binding(channel, bound, failed));
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new ServerConnectorManager(executor, scheduler, selectors) {
            @Override
            public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment) throws IOException {
                if (attachment instanceof Binding b) return new FastCgiChannel(endPoint, getExecutor(), b.channel());
                return super.newConnection(channel, endPoint, attachment);
            }

            /**
             * Not for a FastCGI socket: the accept listeners count clients. Told of one, the per-client cap would count
             * php-fpm's TCP address as a client, and Jetty's ConnectionLimit would count it as a connection being
             * accepted forever (only an HTTP connection's open ends that), one more for every php-fpm connection ever
             * made, until the server stopped accepting anyone; at the limit it would even close it.
             */
            @Override
            protected void onAccepting(SelectableChannel channel) {
                if (!binding.contains(channel)) super.onAccepting(channel);
            }

            @Override
            protected void onAccepted(SelectableChannel channel) {
                if (!binding.contains(channel)) super.onAccepted(channel);
            }

            @Override
            public void connectionOpened(Connection connection, Object context) {
                super.connectionOpened(connection, context);
                if (context instanceof Binding b) {
                    binding.remove(b.channel());
                    b.bound().accept((FastCgiChannel) connection);
                }
            }

            @Override
            protected void onAcceptFailed(SelectableChannel channel, Throwable cause, Object attachment) {
                if (attachment instanceof Binding b) {
                    binding.remove(channel);
                    b.failed().accept(cause);
                } else {
                    super.onAcceptFailed(channel, cause, attachment);
                }
            }
        };
    }
}
