package org.tracegate.failtrace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.tracegate.text.Markup;

/**
 * A W3SVC directory's index: index.json for tools, index.htm for people, both newest first; and the
 * index line of a file an earlier run wrote, read back from the file itself.
 */
final class TraceIndex {
    private static final ObjectWriter JSON = jsonWriter();
    private static final XMLInputFactory XML = xmlInputFactory();

    /** One line of the index. */
    record Entry(long number, String time, String url, String verb, String statusCode, String failureReason,
                 long timeTaken) {
        String name() { return String.format("fr%06d", number); }
    }

    private TraceIndex() {}

    /** One object per line, {@code "key": value} separated by {@code ", "}, as the index has always looked. */
    static String json(Collection<Entry> newestFirst) {
        List<Map<String, Object>> lines = new ArrayList<>(newestFirst.size());
        for (Entry e : newestFirst) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", e.number());
            m.put("time", e.time());
            m.put("url", e.url());
            m.put("verb", e.verb());
            m.put("statusCode", e.statusCode());
            m.put("failureReason", e.failureReason());
            m.put("timeTaken", e.timeTaken());
            m.put("file", e.name() + ".xml");
            m.put("html", e.name() + ".htm");
            lines.add(m);
        }
        try {
            return JSON.writeValueAsString(lines) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of maps of strings and numbers always serializes", e);
        }
    }

    static String html(Collection<Entry> newestFirst) {
        StringBuilder html = new StringBuilder(4096).append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Failed request traces</title><style>
                body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#222}
                table{border-collapse:collapse;width:100%}th,td{border:1px solid #d5dbe1;padding:3px 7px;text-align:left}
                th{background:#eef2f6}td.u{font-family:monospace;word-break:break-all}
                </style></head><body><h1>Failed request traces</h1>
                <table><tr><th>File</th><th>Time (UTC)</th><th>Verb</th><th>URL</th><th>Status</th><th>Failure reason</th><th>Time taken (ms)</th></tr>
                """);
        for (Entry e : newestFirst) {
            html.append("<tr><td><a href=\"").append(e.name()).append(".htm\">").append(e.name()).append("</a> (<a href=\"")
                    .append(e.name()).append(".xml\">xml</a>)</td><td>");
            Markup.xmlText(html, e.time()).append("</td><td>");
            Markup.xmlText(html, e.verb()).append("</td><td class=\"u\">");
            Markup.xmlText(html, e.url()).append("</td><td>");
            Markup.xmlText(html, e.statusCode()).append("</td><td>");
            Markup.xmlText(html, e.failureReason()).append("</td><td>").append(e.timeTaken()).append("</td></tr>\n");
        }
        return html.append("</table></body></html>\n").toString();
    }

    /**
     * What the index needs, from the root element's attributes and the first event's time. Streams and
     * stops there, so a large file costs no more than a small one.
     */
    static Entry read(long number, Path file) {
        Map<String, String> root = new HashMap<>();
        String time = "";
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader x = XML.createXMLStreamReader(in);
            try {
                while (x.hasNext()) {
                    if (x.next() != XMLStreamConstants.START_ELEMENT) continue;
                    if (x.getLocalName().equals("failedRequest")) {
                        for (int i = 0; i < x.getAttributeCount(); i++) root.put(x.getAttributeLocalName(i), x.getAttributeValue(i));
                    } else if (x.getLocalName().equals("TimeCreated")) {
                        String t = x.getAttributeValue(null, "SystemTime");
                        if (t != null) time = t;
                        break;
                    }
                }
            } finally {
                x.close();
            }
        } catch (IOException | XMLStreamException e) {
            // Unreadable or cut short: listed with what was read before the damage.
        }
        long taken;
        try {
            taken = Long.parseLong(root.getOrDefault("timeTaken", "0"));
        } catch (NumberFormatException e) {
            taken = 0;
        }
        return new Entry(number, time, root.getOrDefault("url", ""), root.getOrDefault("verb", ""),
                root.getOrDefault("statusCode", ""), root.getOrDefault("failureReason", ""), taken);
    }

    private static ObjectWriter jsonWriter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEntrySpacing(Separators.Spacing.AFTER)
                .withArrayEmptySeparator("\n");
        DefaultPrettyPrinter layout = new DefaultPrettyPrinter(separators)
                .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                .withObjectIndenter(new DefaultPrettyPrinter.NopIndenter());
        JsonFactory factory = new JsonFactoryBuilder().characterEscapes(new IndexEscapes()).build();
        return new ObjectMapper(factory).writer(layout);
    }

    /**
     * Jackson's escapes, plus backslash-u escapes for {@code <} (the JSON stays safe inside a page's script)
     * and for every surrogate (a lone one has no UTF-8 form); all controls but LF, CR and tab in that form.
     */
    private static final class IndexEscapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        IndexEscapes() {
            ascii['<'] = ESCAPE_STANDARD;
            ascii['\b'] = ESCAPE_STANDARD;
            ascii['\f'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() { return ascii; }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return Character.isSurrogate((char) ch) ? new SerializedString(String.format("\\u%04X", ch)) : null;
        }
    }

    private static XMLInputFactory xmlInputFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false); // our files have none; no entity tricks in others
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return f;
    }
}
