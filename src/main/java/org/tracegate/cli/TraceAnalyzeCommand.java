package org.tracegate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tracegate.analysis.Analyzer;
import org.tracegate.analysis.JsonReport;
import org.tracegate.analysis.Report;
import org.tracegate.analysis.TextReport;
import org.tracegate.traceformats.TraceFile;
import org.tracegate.traceformats.TraceFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracegate trace analyze FILE... [--json] [--hex]}. A report, not a check: failures found
 * still exit 0. Unreadable files are named on stderr and make the exit status 2, but the readable
 * ones are still analyzed — in a directory of fr*.xml files one bad file should not hide the rest.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Explain the failed requests in trace files: Tracegate sessions (.jsonl), IIS ETW <ROW> XML, "
                + "FREB fr*.xml, W3C extended logs (recognized by content).",
                "Exit status: 0 analyzed (even when failures are found: it is a report), 2 bad usage or an unreadable file."})
final class TraceAnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Trace files.")
    List<Path> files;

    @Option(names = "--json", description = "Print the report as one JSON document.")
    boolean json;

    @Option(names = "--hex", description = "Add a Netmon-style hex dump of the response bytes a trace holds.")
    boolean hex;

    @Override
    public Integer call() {
        List<TraceFile> loaded = new ArrayList<>();
        int status = 0;
        for (Path f : files) {
            try {
                loaded.add(TraceFiles.load(f));
            } catch (IOException e) {
                status = TraceCommand.unreadable(spec.commandLine(), e.getMessage());
            }
        }
        if (loaded.isEmpty()) return status;
        Report report = Analyzer.analyze(loaded);
        if (json) JsonReport.print(report, hex, spec.commandLine().getOut());
        else TextReport.print(report, hex, spec.commandLine().getOut());
        return status;
    }
}
