package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.session.SeedRecords;
import org.tracegate.traceformats.SessionFilter;
import org.tracegate.traceformats.SessionReader;
import org.tracegate.session.SessionWriter;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class TraceConvertCommandTest {
    @TempDir
    Path dir;

    /** A session of our own reproducing the seed's request. */
    private Path seedSession() throws Exception {
        Path file = dir.resolve("seed.jsonl");
        SessionWriter w = SessionWriter.open(file, SessionFilter.all(), 1 << 20);
        w.writeRequest(SeedRecords.request());
        w.close();
        return file;
    }

    @Test
    void xmlHasTheSeedsRowLayout() throws Exception {
        TraceCli r = TraceCli.run("convert", seedSession().toString(), "--format", "xml");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ROOT");
        assertThat(r.out()).contains("<ROW>\n<EventNumber>2</EventNumber>\n<EventName>IISCGI</EventName>\n"
                + "<EventTypeName>CGI_LAUNCH</EventTypeName>\n<Timestamp>2005-08-23 20:19:07</Timestamp>\n"
                + "<UserData>ContextId={00000000-0000-0000-4c06-0060000000ef}|CommandLine=&quot;D:\\Inetpub\\cgi-bin\\htmlos.exe&quot; "
                + "|ErrorCode=0x00000000|ProcessId=3136</UserData>\n</ROW>\n");

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(r.out().getBytes(StandardCharsets.UTF_8)));
        NodeList rows = doc.getElementsByTagName("ROW");
        List<String> types = new ArrayList<>();
        List<String> userData = new ArrayList<>();
        for (int i = 0; i < rows.getLength(); i++) {
            Element row = (Element) rows.item(i);
            types.add(row.getElementsByTagName("EventTypeName").item(0).getTextContent());
            userData.add(row.getElementsByTagName("UserData").item(0).getTextContent());
        }
        assertThat(types).containsExactly("GENERAL_REQUEST_START", "CGI_LAUNCH", "CGI_PREMATURE_TERMINATION",
                "GENERAL_REQUEST_END");
        assertThat(userData.get(1)).isEqualTo("ContextId={00000000-0000-0000-4c06-0060000000ef}"
                + "|CommandLine=\"D:\\Inetpub\\cgi-bin\\htmlos.exe\" |ErrorCode=0x00000000|ProcessId=3136");
        assertThat(userData.get(3)).startsWith("ContextId={00000000-0000-0000-4c06-0060000000ef}|")
                .contains("BytesReceived=105906875").endsWith("HttpStatus=502|HttpSubStatus=2");
        assertThat(userData.get(2)).startsWith("ContextId={00000000-0000-0000-4c06-0060000000ef}|Headers=|");
    }

    @Test
    void errnoNamesStayAsTheyAre() throws Exception {
        Path file = dir.resolve("enoent.jsonl");
        SessionWriter w = SessionWriter.open(file, SessionFilter.all(), 1 << 20);
        w.write(SeedRecords.at("2026-11-23T21:00:00Z", SeedRecords.CONTEXT,
                new org.tracegate.trace.TraceEvent.CgiLaunch("\"/srv/cgi-bin/x.sh\"", "ENOENT", -1)));
        w.close();
        TraceCli r = TraceCli.run("convert", file.toString(), "--format", "xml");
        assertThat(r.out()).contains("|ErrorCode=ENOENT|ProcessId=-1</UserData>");
    }

    @Test
    void csvHasTracerptsHeaderAndOneRowPerEvent() throws Exception {
        Path out = dir.resolve("seed.csv");
        TraceCli r = TraceCli.run("convert", seedSession().toString(), "--format", "csv", "--output", out.toString());
        assertThat(r.exit()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(5);
        assertThat(lines.getFirst()).isEqualTo("Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, "
                + "Keyword, PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, "
                + "Clock-Time, Kernel(ms), User(ms), User Data");
        // 2005-08-23T20:19:07Z as FILETIME; the command line's quotes are doubled (RFC 4180).
        assertThat(lines.get(2)).isEqualTo("IISCGI,CGI_LAUNCH,,0,0,4,0,0,0x0,,,,,,{00000000-0000-0000-4c06-0060000000ef},,"
                + "127693019470000000,,,\"ContextId={00000000-0000-0000-4c06-0060000000ef}|CommandLine=\"\"D:\\Inetpub\\cgi-bin\\htmlos.exe\"\" "
                + "|ErrorCode=0x00000000|ProcessId=3136\"");
        assertThat(lines.get(4)).startsWith("IISGeneral,GENERAL_REQUEST_END,");
    }

    @Test
    void jsonlOfIisRowsIsASessionFile() throws Exception {
        Path seed = Path.of("src/test/resources/seed-rows.xml");
        Path out = dir.resolve("rows.jsonl");
        TraceCli r = TraceCli.run("convert", seed.toString(), "--format", "jsonl", "-o", out.toString());
        assertThat(r.exit()).isZero();
        var read = SessionReader.read(out);
        assertThat(read.complete()).isTrue();
        assertThat(read.events()).extracting(e -> e.seq()).containsExactly(391L, 405L, 441L, 446L);
        assertThat(read.events().get(3).data()).containsEntry("BytesReceived", 105906875L);
    }

    @Test
    void unreadableFileExitsTwoNamingTheFile() {
        TraceCli r = TraceCli.run("convert", dir.resolve("nope.jsonl").toString(), "--format", "xml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("nope.jsonl").contains("no such file");
    }

    @Test
    void unknownFormatIsBadUsage() throws Exception {
        TraceCli r = TraceCli.run("convert", seedSession().toString(), "--format", "pdf");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("pdf");
    }

    @Test
    void garbageIsNotATraceFile() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.txt"), "hello\n");
        TraceCli r = TraceCli.run("convert", junk.toString(), "--format", "xml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("junk.txt").contains("not a recognized trace file");
    }
}
