/**
 * A FastCGI 1.0 client (docs/fastcgi.md, "Protocol"): the record codec as pure functions
 * ({@link org.tracegate.gateway.fastcgi.RecordEncoder}, {@link org.tracegate.gateway.fastcgi.RecordDecoder},
 * {@link org.tracegate.gateway.fastcgi.NameValuePairs}), connections over unix-domain or TCP sockets
 * ({@link org.tracegate.gateway.fastcgi.FastCgiConnection}) and one request's exchange
 * ({@link org.tracegate.gateway.fastcgi.FastCgiExchange}) whose STDOUT goes through gateway.cgi's strict
 * header parser and body relay. Everything the server sends is hostile input. No Jetty here.
 */
package org.tracegate.gateway.fastcgi;
