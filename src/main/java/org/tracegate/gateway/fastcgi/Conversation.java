package org.tracegate.gateway.fastcgi;

import org.tracegate.gateway.fastcgi.FastCgiRecord.EndRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValuesResult;
import org.tracegate.gateway.fastcgi.FastCgiRecord.Stream;
import org.tracegate.gateway.fastcgi.FastCgiRecord.UnknownType;

/**
 * The rules of one request's conversation as the server answers it, for both ways of reading it ({@link StdoutChannel}
 * on a lane, {@link PushExchange} on the selector); the record rules are {@link RecordDecoder}'s. A record for another
 * request id, a type a server does not send (BEGIN_REQUEST, PARAMS, STDIN, …), or data after its stream's empty record
 * is a violation. A late GET_VALUES_RESULT or an UNKNOWN_TYPE concerns the connection and is skipped. The STDOUT empty
 * record is optional before END_REQUEST: php-fpm never sends it.
 */
final class Conversation {

    /** What the records say, in order. */
    interface Listener {
        void stdout(byte[] content);

        void stderr(byte[] content);

        void ended(RequestEnd.Ended end);
    }

    private final int requestId;
    private final RecordDecoder decoder;
    private boolean stdoutEnded;
    private boolean stderrEnded;

    /** @param decoder the connection's, for where a violation stands */
    Conversation(int requestId, RecordDecoder decoder) {
        this.requestId = requestId;
        this.decoder = decoder;
    }

    /** Applies the rules to the next record and tells {@code to} what it says. */
    void accept(FastCgiRecord r, Listener to) throws FastCgiProtocolException {
        if (r instanceof GetValuesResult || r instanceof UnknownType) return;
        if (r.type().isManagement()) throw violation("a server does not send " + r.type());
        if (r.requestId() != requestId) {
            throw violation(r.type() + " record for request " + r.requestId() + ", but this connection's request is "
                    + requestId);
        }
        switch (r) {
            case Stream s when s.type() == RecordType.STDOUT -> {
                if (s.isEnd()) stdoutEnded = true;
                else if (stdoutEnded) throw violation("STDOUT data after the empty record that ended STDOUT");
                else to.stdout(s.content());
            }
            case Stream s when s.type() == RecordType.STDERR -> {
                if (s.isEnd()) stderrEnded = true;
                else if (stderrEnded) throw violation("STDERR data after the empty record that ended STDERR");
                else to.stderr(s.content());
            }
            case EndRequest e -> to.ended(new RequestEnd.Ended(e.appStatus(), e.protocolStatus()));
            default -> throw violation("a server does not send " + r.type());
        }
    }

    /** Whether {@code r} is this request's STDOUT data, allowed now: what a reader may take ahead without judging it. */
    boolean isStdoutData(FastCgiRecord r) {
        return r instanceof Stream s && s.type() == RecordType.STDOUT && s.requestId() == requestId && !s.isEnd()
                && !stdoutEnded;
    }

    /** STDOUT's empty record came. */
    boolean stdoutEnded() { return stdoutEnded; }

    /** The request ended where the stream stood: after STDOUT, before any of it, in the head or in the body. */
    Stage stage(long stdoutBytes, boolean headComplete) {
        if (stdoutEnded) return Stage.AFTER_STDOUT;
        if (stdoutBytes == 0) return Stage.BEFORE_STDOUT;
        return headComplete ? Stage.IN_BODY : Stage.IN_HEAD;
    }

    /** The server closed the connection before END_REQUEST: where, by the decoder's count. */
    RequestEnd.ConnectionLost eof(Stage stage) {
        return new RequestEnd.ConnectionLost(stage, "EOF", "the server closed the connection after " + decoder.position()
                + " bytes, " + (decoder.atRecordBoundary() ? "between records" : "inside a record ("
                + decoder.partialRecord() + ")"));
    }

    FastCgiProtocolException violation(String reason) {
        return new FastCgiProtocolException(decoder.lastRecordStart(), reason, decoder.lastHeader());
    }
}
