package org.tracegate.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tracegate.traceformats.EtwRowsWriter;
import org.tracegate.traceformats.SessionLinesWriter;
import org.tracegate.traceformats.TraceFile;
import org.tracegate.traceformats.TraceFiles;
import org.tracegate.traceformats.TracerptCsvWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tracegate trace convert FILE --format xml|csv|jsonl [--output OUT]}. Exit 0 ok, 2 bad usage or unreadable input. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a trace file (any format `trace analyze` reads) to IIS's ETW XML rows, "
                + "tracerpt-style CSV, or session JSON Lines.",
                "Exit status: 0 converted, 2 bad usage or an unreadable file."})
final class TraceConvertCommand implements Callable<Integer> {
    enum Format { xml, csv, jsonl }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The trace file to convert.")
    Path file;

    @Option(names = "--format", required = true, paramLabel = "xml|csv|jsonl",
            description = "xml: the ETW <ROW> layout of the IIS 502.2 article; csv: tracerpt's; jsonl: a session file.")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write here instead of standard output.")
    Path output;

    @Override
    public Integer call() {
        TraceFile trace;
        try {
            trace = TraceFiles.load(file);
        } catch (IOException e) {
            return TraceCommand.unreadable(spec.commandLine(), e.getMessage());
        }
        for (String note : trace.notes()) spec.commandLine().getErr().println("tracegate: " + file + ": " + note);
        try {
            if (output == null) {
                PrintWriter out = spec.commandLine().getOut();
                write(trace, out);
                out.flush();
            } else {
                try (Writer w = new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8)) {
                    write(trace, w);
                }
            }
        } catch (IOException e) {
            return TraceCommand.unreadable(spec.commandLine(), (output == null ? "standard output" : output)
                    + ": cannot write: " + e.getMessage());
        }
        return 0;
    }

    private void write(TraceFile trace, Writer out) throws IOException {
        switch (format) {
            case xml -> EtwRowsWriter.write(trace.events(), out);
            case csv -> TracerptCsvWriter.write(trace.events(), out);
            case jsonl -> SessionLinesWriter.write(trace.events(), out);
        }
    }
}
