package org.tracegate.gateway.fastcgi;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.tracegate.gateway.fastcgi.FastCgiRecord.AbortRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.BeginRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.EndRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValues;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValuesResult;
import org.tracegate.gateway.fastcgi.FastCgiRecord.Stream;
import org.tracegate.gateway.fastcgi.FastCgiRecord.UnknownType;
import org.tracegate.gateway.fastcgi.NameValuePairs.Pair;

/**
 * Incremental FastCGI record decoder for bytes that may arrive in any split. Everything is validated as
 * hostile input, and every rule that the record alone can break is checked here; rules about the
 * conversation (which request, which types a server may send) belong to the reader that knows it.
 *
 * <p>Checked: version 1; a type the spec defines; request id 0 exactly for management records; the fixed
 * body sizes (8 for BEGIN_REQUEST, END_REQUEST and UNKNOWN_TYPE, 0 for ABORT_REQUEST); a known END_REQUEST
 * protocolStatus; GET_VALUES and GET_VALUES_RESULT pairs that end within their record (and empty values in
 * GET_VALUES). Not checked, as the spec gives them no meaning: reserved bytes and padding bytes, and how
 * much padding there is (0–255).
 *
 * <p>Header rules are checked as soon as the 8 header bytes are in, before any content is awaited. A record
 * is returned only once its padding is in too. Memory is bounded by the 16-bit content length: at most one
 * 64 KiB content buffer is held. The outcome (records, or the error and its offset) does not depend on how
 * the input is split. After an error every call rethrows it. Not thread-safe.
 */
public final class RecordDecoder {
    private static final byte[] EMPTY = new byte[0];

    private final byte[] header = new byte[FastCgiRecord.HEADER_BYTES];
    private int headerFill;
    private RecordType type;
    private int requestId;
    private byte[] content;
    private int contentFill;
    private int paddingLeft;
    /** The record built from the content, handed out once its padding is in. */
    private FastCgiRecord done;
    private long position;
    private long recordStart;
    private FastCgiProtocolException failure;

    /**
     * Consumes bytes from {@code in} up to the end of the next complete record and returns it, or returns
     * null once {@code in} is exhausted with no record complete (the partial one is kept for the next call).
     */
    public FastCgiRecord next(ByteBuffer in) throws FastCgiProtocolException {
        if (failure != null) throw failure;
        while (in.hasRemaining()) {
            if (headerFill < header.length) {
                int n = Math.min(header.length - headerFill, in.remaining());
                in.get(header, headerFill, n);
                headerFill += n;
                position += n;
                if (headerFill == header.length) startRecord();
            } else if (contentFill < content.length) {
                int n = Math.min(content.length - contentFill, in.remaining());
                in.get(content, contentFill, n);
                contentFill += n;
                position += n;
            } else {
                int n = Math.min(paddingLeft, in.remaining());
                in.position(in.position() + n);
                paddingLeft -= n;
                position += n;
            }
            if (headerFill == header.length && contentFill == content.length && done == null) done = build();
            if (done != null && paddingLeft == 0) return take();
        }
        return null;
    }

    /** The header of the record {@link #next} returned last (valid until the next call), for a message about it. */
    public byte[] lastHeader() { return header.clone(); }

    /** Where the record {@link #next} returned last began in the stream. */
    public long lastRecordStart() { return recordStart; }

    /** True between records: no partial record is held. */
    public boolean atRecordBoundary() { return headerFill == 0; }

    /** Bytes consumed so far. */
    public long position() { return position; }

    /** Where the partial record stands, for a message about input that ended inside one; "" at a boundary. */
    public String partialRecord() {
        if (headerFill == 0) return "";
        if (headerFill < header.length) return headerFill + " of 8 header bytes";
        if (contentFill < content.length) return type + " record, " + contentFill + " of " + content.length + " content bytes";
        return type + " record, " + paddingLeft + " padding bytes missing";
    }

    private FastCgiRecord take() {
        FastCgiRecord r = done;
        done = null;
        headerFill = 0;
        content = null;
        contentFill = 0;
        return r;
    }

    /** The header is complete: check what it alone can break, then await the content. */
    private void startRecord() throws FastCgiProtocolException {
        recordStart = position - header.length;
        int version = header[0] & 0xff;
        int code = header[1] & 0xff;
        requestId = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        int contentLength = ((header[4] & 0xff) << 8) | (header[5] & 0xff);
        paddingLeft = header[6] & 0xff;
        if (version != FastCgiRecord.VERSION) {
            boolean http = header[0] == 'H' && header[1] == 'T' && header[2] == 'T' && header[3] == 'P';
            throw headerError(http ? "the server answered in HTTP, not FastCGI"
                    : "unsupported FastCGI version " + version + " (expected 1)");
        }
        type = RecordType.of(code);
        if (type == null) throw headerError("unknown record type " + code);
        if (type.isManagement() && requestId != FastCgiRecord.MANAGEMENT_ID) {
            throw headerError(type + " is a management record but has request id " + requestId + " (expected 0)");
        }
        if (!type.isManagement() && requestId == FastCgiRecord.MANAGEMENT_ID) {
            throw headerError(type + " record with request id 0, the management id");
        }
        int fixed = type.fixedContentLength();
        if (fixed >= 0 && contentLength != fixed) {
            throw headerError(type + " with a " + contentLength + "-byte body (expected " + fixed + ")");
        }
        content = contentLength == 0 ? EMPTY : new byte[contentLength];
    }

    /** The content is complete: check what it can break and build the record. */
    private FastCgiRecord build() throws FastCgiProtocolException {
        long at = recordStart + header.length;
        return switch (type) {
            case BEGIN_REQUEST -> new BeginRequest(requestId, ((content[0] & 0xff) << 8) | (content[1] & 0xff),
                    content[2] & 0xff);
            case ABORT_REQUEST -> new AbortRequest(requestId);
            case END_REQUEST -> {
                int appStatus = ((content[0] & 0xff) << 24) | ((content[1] & 0xff) << 16) | ((content[2] & 0xff) << 8)
                        | (content[3] & 0xff);
                ProtocolStatus status = ProtocolStatus.of(content[4] & 0xff);
                if (status == null) {
                    throw fail(new FastCgiProtocolException(at + 4, "END_REQUEST with unknown protocolStatus "
                            + (content[4] & 0xff), recordBytes()));
                }
                yield new EndRequest(requestId, appStatus, status);
            }
            case PARAMS, STDIN, STDOUT, STDERR, DATA -> new Stream(type, requestId, content);
            case GET_VALUES -> new GetValues(names(pairs(at)));
            case GET_VALUES_RESULT -> new GetValuesResult(pairs(at));
            case UNKNOWN_TYPE -> new UnknownType(content[0] & 0xff);
        };
    }

    private List<Pair> pairs(long at) throws FastCgiProtocolException {
        try {
            return NameValuePairs.decode(content, 0, content.length, at, type.name());
        } catch (FastCgiProtocolException e) {
            throw fail(e);
        }
    }

    private List<String> names(List<Pair> pairs) throws FastCgiProtocolException {
        for (Pair p : pairs) {
            if (!p.value().isEmpty()) {
                throw fail(new FastCgiProtocolException(recordStart, "GET_VALUES asks for " + p.name()
                        + " with a non-empty value", recordBytes()));
            }
        }
        return pairs.stream().map(Pair::name).toList();
    }

    /** The header and the first content bytes, for a message about a whole record. */
    private byte[] recordBytes() {
        int n = Math.min(content.length, FastCgiProtocolException.QUOTED_BYTES - header.length);
        byte[] b = Arrays.copyOf(header, header.length + n);
        System.arraycopy(content, 0, b, header.length, n);
        return b;
    }

    private FastCgiProtocolException headerError(String reason) {
        return fail(new FastCgiProtocolException(recordStart, reason, header.clone()));
    }

    private FastCgiProtocolException fail(FastCgiProtocolException e) {
        failure = e;
        return e;
    }
}
