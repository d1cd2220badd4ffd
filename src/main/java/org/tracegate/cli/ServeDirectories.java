package org.tracegate.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.tracegate.admin.RuntimeFiles;
import org.tracegate.config.ConfigException;
import org.tracegate.config.ServerConfig;
import org.tracegate.files.ServerFiles;

/**
 * Every directory `serve` will write into, created and tried before anything starts: a path that cannot be
 * one is a single line naming the flag or key it came from, not a stack trace from the first write.
 */
final class ServeDirectories {
    private ServeDirectories() {}

    /**
     * The log (or runtime) directory, the trace directory when one is named, and the one failed-request
     * traces go to when tracing is on.
     *
     * @param logDirFlag   --log-dir was given (else the log dir, if any, is the config file's {@code logDir})
     * @param traceDirFlag --trace-dir was given
     */
    static void prepare(ServerConfig config, boolean logDirFlag, boolean traceDirFlag) throws ConfigException {
        if (config.logDir() != null) prepare(origin(config, logDirFlag, "--log-dir", "logDir"), config.logDir());
        else prepare("runtime directory", RuntimeFiles.directory(null));
        if (config.traceDir() != null) prepare(origin(config, traceDirFlag, "--trace-dir", "traceDir"), config.traceDir());
        if (config.failedRequestTracing().enabled()) {
            String origin = config.failedRequestTracing().directory() != null
                    ? origin(config, false, null, "failedRequestTracing.directory") : "trace directory";
            prepare(origin, config.failedRequestTraceDirectory());
        }
    }

    /** "--log-dir", or "FILE: key 'logDir':" for a directory named in the config file. */
    private static String origin(ServerConfig config, boolean flag, String flagName, String key) {
        return flag || config.source() == null ? flagName : config.source() + ": key '" + key + "':";
    }

    /** Creates {@code dir} if it is missing and checks a file can be made in it. */
    static void prepare(String origin, Path dir) throws ConfigException {
        try {
            ServerFiles.directory(dir);
        } catch (IOException e) {
            throw new ConfigException(origin + " " + dir + ": cannot create the directory: " + reason(e, dir));
        }
        try {
            Files.delete(Files.createTempFile(dir, ".tracegate-", ".probe"));
        } catch (IOException e) {
            throw new ConfigException(origin + " " + dir + ": cannot write in the directory: " + reason(e, dir));
        }
    }

    /** The system's reason in its own words ("no such file or directory", "read-only file system"). */
    private static String reason(IOException e, Path dir) {
        String reason = switch (e) {
            case FileAlreadyExistsException x -> (dir.toString().equals(x.getFile()) ? "it" : x.getFile())
                    + " exists and is not a directory";
            case NoSuchFileException x -> "no such file or directory";
            case AccessDeniedException x -> "permission denied";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            default -> e.getMessage();
        };
        return reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
}
