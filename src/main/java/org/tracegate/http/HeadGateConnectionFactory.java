package org.tracegate.http;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/** Jetty's HTTP/1.1 connection factory, making {@link HeadGateConnection}s (configured as Jetty configures its own). */
final class HeadGateConnectionFactory extends HttpConnectionFactory {
    HeadGateConnectionFactory(HttpConfiguration config) { super(config); }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HeadGateConnection connection = new HeadGateConnection(getHttpConfiguration(), connector, endPoint);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }
}
