package org.tracegate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    static final String FULL_EXAMPLE = """
            listen = ["127.0.0.1:8080", "[::1]:8443"]
            documentRoot = "public"
            logDir = "logs"
            traceDir = "/var/tmp/traces/../traces"
            errorMode = "detailed"

            [limits]
            headerTimeoutSeconds = 0.5
            headerTimeoutStatus = 504
            idleTimeoutSeconds = 61
            killGraceMillis = 1500
            shutdownGraceSeconds = 11
            maxRequestBodyBytes = 2048
            spoolMemoryBytes = 0
            headerLineBytes = 1000
            headerLines = 10
            headerBlockBytes = 5000
            maxConcurrent = 3
            queueSize = 0
            queueTimeoutSeconds = 2.25
            redirectHops = 0

            [[cgi]]
            prefix = "/cgi-bin/"
            directory = "cgi-bin"

            [[cgi]]
            prefix = "/admin/"
            directory = "./admin/../admin"
            passAuthorization = true

            [[interpreter]]
            extension = ".php"
            command = ["/usr/bin/php-cgi", "-c", "php.ini"]
            verbs = ["get", "HEAD", "Post"]

            [[interpreter]]
            extension = ".py"
            command = "/usr/bin/python3"

            [restrictions]
            enabled = true
            allowed = ["/usr/bin/php-cgi", "cgi-bin/hello.sh"]

            [environment]
            inherit = ["PATH", "LANG"]
            [environment.set]
            APP_ENV = "demo"
            "WITH SPACE" = ""
            """;

    @TempDir Path dir;
    Path file;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("public"));
        Files.createDirectories(dir.resolve("cgi-bin"));
        Files.createDirectories(dir.resolve("admin"));
        file = dir.resolve("t.toml");
    }

    // ---- successful loads ------------------------------------------------------------------------

    @Test
    void fullExampleParsesToTheExpectedRecords() throws Exception {
        ServerConfig c = load(FULL_EXAMPLE);

        assertThat(c.listen()).containsExactly("127.0.0.1:8080", "[::1]:8443");
        assertThat(c.documentRoot()).isEqualTo(dir.resolve("public"));
        assertThat(c.logDir()).isEqualTo(dir.resolve("logs"));
        assertThat(c.traceDir()).isEqualTo(Path.of("/var/tmp/traces"));
        assertThat(c.errorMode()).isEqualTo(ErrorMode.DETAILED);
        assertThat(c.limits()).isEqualTo(new Limits(Duration.ofMillis(500), 504, Duration.ofSeconds(61),
                Duration.ofMillis(1500), Duration.ofSeconds(11), 2048, 0, 1000, 10, 5000, 3, 0,
                Duration.ofMillis(2250), 0, Duration.ofSeconds(900)));
        assertThat(c.cgi()).containsExactly(
                new CgiMapping("/cgi-bin/", dir.resolve("cgi-bin"), false),
                new CgiMapping("/admin/", dir.resolve("admin"), true));
        assertThat(c.interpreters()).containsExactly(
                new InterpreterMapping(".php", List.of("/usr/bin/php-cgi", "-c", "php.ini"), Set.of("GET", "HEAD", "POST")),
                new InterpreterMapping(".py", List.of("/usr/bin/python3"), Set.of()));
        assertThat(c.interpreters().get(1).allows("DELETE")).isTrue();
        assertThat(c.interpreters().get(0).allows("DELETE")).isFalse();
        assertThat(c.restrictions()).isEqualTo(
                new Restrictions(true, Set.of(Path.of("/usr/bin/php-cgi"), dir.resolve("cgi-bin/hello.sh"))));
        assertThat(c.environment()).isEqualTo(
                new EnvironmentPolicy(List.of("PATH", "LANG"), Map.of("APP_ENV", "demo", "WITH SPACE", "")));
        assertThat(c.source()).isEqualTo(file);
    }

    @Test
    void theExampleInTheDocsLoads() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        String example = doc.substring(doc.indexOf("```toml", doc.indexOf("## Complete example")) + "```toml".length());
        example = example.substring(0, example.indexOf("```"));
        Files.createDirectories(dir.resolve("admin-bin"));
        ServerConfig c = load(example);
        assertThat(c.listen()).containsExactly("127.0.0.1:8080", "[::1]:8080");
        assertThat(c.limits()).isEqualTo(Limits.defaults());
        assertThat(c.cgi()).hasSize(2);
        assertThat(c.interpreters()).hasSize(2);
        assertThat(c.environment().set()).containsEntry("APP_ENV", "demo");
    }

    @Test
    void emptyFileGivesDefaults() throws Exception {
        assertThat(load("")).isEqualTo(withSource(ServerConfig.defaults(), file));
        assertThat(load("# nothing but a comment\n\n")).isEqualTo(withSource(ServerConfig.defaults(), file));
    }

    @Test
    void emptyTablesGiveDefaults() throws Exception {
        assertThat(load("[limits]\n[restrictions]\n[environment]\n[environment.set]\n"))
                .isEqualTo(withSource(ServerConfig.defaults(), file));
    }

    @Test
    void partialLimitsKeepTheOtherDefaults() throws Exception {
        Limits limits = load("[limits]\nmaxConcurrent = 7\n").limits();
        assertThat(limits).isEqualTo(Limits.defaults().withMaxConcurrent(7, 256, Duration.ofSeconds(10)));
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesDirectory() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("site/bin"));
        file = conf.resolve("t.toml");
        ServerConfig c = load("""
                documentRoot = "../site"
                logDir = "./logs/../logs"
                traceDir = "/abs/./traces"
                [[cgi]]
                prefix = "/x/"
                directory = "../site/bin"
                [restrictions]
                allowed = ["../site/bin/a.sh", "/usr/bin/../bin/perl"]
                """);
        assertThat(c.documentRoot()).isEqualTo(dir.resolve("site"));
        assertThat(c.logDir()).isEqualTo(conf.resolve("logs"));
        assertThat(c.traceDir()).isEqualTo(Path.of("/abs/traces"));
        assertThat(c.cgi().getFirst().directory()).isEqualTo(dir.resolve("site/bin"));
        assertThat(c.restrictions().allowed()).containsExactlyInAnyOrder(dir.resolve("site/bin/a.sh"), Path.of("/usr/bin/perl"));
        assertThat(c.source()).isEqualTo(file);
    }

    @Test
    void aRelativeConfigPathResolvesAgainstItsOwnDirectoryNotTheWorkingDirectory() throws Exception {
        Files.writeString(file, "logDir = \"logs\"\n");
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        assertThat(relative.isAbsolute()).isFalse();
        ServerConfig c = ConfigLoader.load(relative);
        assertThat(c.logDir()).isEqualTo(dir.resolve("logs"));
        assertThat(c.source()).isEqualTo(file);
    }

    @Test
    void errorMessagesNameTheFileAsGiven() throws Exception {
        Files.writeString(file, "\n\nlimits = 3\n");
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        assertThatThrownBy(() -> ConfigLoader.load(relative))
                .hasMessageStartingWith(relative + ":3: key 'limits': ");
    }

    @ParameterizedTest
    @CsvSource({"Detailed, DETAILED", "DETAILED, DETAILED", "DetailedLocalOnly, DETAILED_LOCAL_ONLY",
            "detailed_local_only, DETAILED_LOCAL_ONLY", "custom, CUSTOM"})
    void errorModeIsCaseInsensitive(String written, ErrorMode expected) throws Exception {
        assertThat(load("errorMode = \"" + written + "\"").errorMode()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8080", "0.0.0.0:0", "[::1]:8080", "[::]:65535", "localhost:80",
            "example.com:443", "[fe80::1%1]:80"})
    void validListenAddresses(String address) throws Exception {
        assertThat(load("listen = [\"" + address + "\"]").listen()).containsExactly(address);
    }

    @Test
    void integersAreAcceptedForDurationsAndTomlNumberSyntaxWorks() throws Exception {
        Limits limits = load("[limits]\nheaderTimeoutSeconds = 1e1\nmaxRequestBodyBytes = 1_000_000\nheaderLines = 0x20\n").limits();
        assertThat(limits.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limits.maxRequestBody()).isEqualTo(1_000_000);
        assertThat(limits.headerLines()).isEqualTo(32);
    }

    @Test
    void cgiMayBeWrittenAsAnInlineArray() throws Exception {
        ServerConfig c = load("cgi = [{prefix = \"/a/\", directory = \"cgi-bin\"}, {prefix = \"/b/\", directory = \"admin\"}]");
        assertThat(c.cgi()).extracting(CgiMapping::prefix).containsExactly("/a/", "/b/");
    }

    @Test
    void zeroGracePeriodsAreAllowed() throws Exception {
        Limits limits = load("[limits]\nkillGraceMillis = 0\nshutdownGraceSeconds = 0\n").limits();
        assertThat(limits.killGrace()).isZero();
        assertThat(limits.shutdownGrace()).isZero();
    }

    // ---- errors: file:line, key, problem ---------------------------------------------------------

    @Test
    void tomlSyntaxErrorReportsJacksonsLine() {
        assertError("a = 1\n\n[limits\nmaxConcurrent = 1\n", 3, null, "TOML syntax error: ");
        assertError("listen = [\"x:1\"]\nlogDir = \n", 2, null, "TOML syntax error: ");
        assertError("logDir = \"unterminated\n", 1, null, "TOML syntax error: ");
        assertError("[limits]\nmaxConcurrent = 1 2\n", 2, null, "TOML syntax error: ");
    }

    @Test
    void operatorListenIsAnAddressOrOffAndDefaultsToLoopbackOnAFreePort() throws Exception {
        assertError("listen = [\"127.0.0.1:1\"]\noperatorListen = \"9180\"\n", 2, "operatorListen",
                "invalid address \"9180\": missing the port (expected HOST:PORT, e.g. \"127.0.0.1:8080\" or \"[::1]:8080\") (or \"off\")");
        assertError("operatorListen = 9180\n", 1, "operatorListen", "expected a string, got 9180");
        assertThat(ServerConfig.defaults().operatorListen()).isEqualTo("127.0.0.1:0");
    }

    @Test
    void duplicateKeyIsReportedOnTheSecondDefinition() {
        assertError("[limits]\nmaxConcurrent = 1\nqueueSize = 2\nmaxConcurrent = 3\n\n", 4, "limits.maxConcurrent",
                "defined twice (first at line 2)");
    }

    @Test
    void unknownKeySuggestsTheNearestKnownOne() {
        assertError("[limits]\nmaxConcurrent = 1\n\nheaderTimout = 30\n", 4, "limits.headerTimout",
                "unknown key (did you mean 'headerTimeoutSeconds'?)");
        assertError("lisen = [\"127.0.0.1:1\"]\n", 1, "lisen", "unknown key (did you mean 'listen'?)");
        assertError("[limit]\nmaxConcurrent = 1\n", 1, "limit", "unknown key (did you mean 'limits'?)");
        // The typo also leaves the required key missing: both are said, in line order.
        assertErrors("[[cgi]]\nprefix = \"/a/\"\nDirectory = \"cgi-bin\"\n",
                "1: key 'cgi[0].directory': missing: every [[cgi]] needs a directory of programs, or program = one program file",
                "3: key 'cgi[0].Directory': unknown key (did you mean 'directory'?)");
        assertError("[limits]\nidleTimeoutMillis = 3\n", 2, "limits.idleTimeoutMillis",
                "unknown key (did you mean 'idleTimeoutSeconds'?)");
    }

    @Test
    void unknownKeyHintsWhereAMisplacedKeyBelongs() {
        assertError("[limits]\nmaxConcurrent = 1\nlogDir = \"logs\"\n", 3, "limits.logDir",
                "unknown key ('logDir' is a top-level key: move it above the first [table] header)");
        assertError("maxConcurrent = 4\n", 1, "maxConcurrent", "unknown key ('maxConcurrent' belongs in [limits])");
        assertError("[restrictions]\nprefix = \"/x/\"\n", 2, "restrictions.prefix", "unknown key ('prefix' belongs in [[cgi]])");
    }

    @Test
    void unknownKeysInEveryTable() {
        assertError("[[interpreter]]\nextension = \".php\"\ncommand = \"/usr/bin/php-cgi\"\nargs = []\n", 4,
                "interpreter[0].args", "unknown key");
        assertError("[restrictions]\nenabled = true\nallow = []\n", 3, "restrictions.allow",
                "unknown key (did you mean 'allowed'?)");
        assertError("[environment]\ninherit = []\nsets = {}\n", 3, "environment.sets", "unknown key (did you mean 'set'?)");
        assertError("[environment]\nset.A = \"1\"\nunset = [\"B\"]\n", 3, "environment.unset", "unknown key");
    }

    @Test
    void wrongTypes() {
        assertError("[limits]\nheaderTimeoutSeconds = \"30\"\n", 2, "limits.headerTimeoutSeconds",
                "expected a positive number, got \"30\"");
        assertError("\n[limits]\n\n\n\n\nheaderTimeoutSeconds = \"abc\"\n", 7, "limits.headerTimeoutSeconds",
                "expected a positive number, got \"abc\"");
        assertError("[limits]\nmaxConcurrent = \"64\"\n", 2, "limits.maxConcurrent", "expected a positive integer, got \"64\"");
        assertError("[limits]\nheaderLines = 1.5\n", 2, "limits.headerLines", "expected a positive integer, got 1.5");
        assertError("[limits]\nmaxConcurrent = true\n", 2, "limits.maxConcurrent", "expected a positive integer, got true");
        assertError("[restrictions]\nenabled = \"true\"\n", 2, "restrictions.enabled", "expected true or false, got \"true\"");
        assertError("[restrictions]\nenabled = 1\n", 2, "restrictions.enabled", "expected true or false, got 1");
        assertError("logDir = 5\n", 1, "logDir", "expected a string, got 5");
        assertError("logDir = 1979-05-27\n", 1, "logDir", "expected a string, got a date/time 1979-05-27");
        assertError("listen = \"127.0.0.1:80\"\n", 1, "listen", "expected an array of strings, got \"127.0.0.1:80\"");
        assertError("listen = [\n  \"127.0.0.1:80\",\n  8080,\n]\n", 3, "listen[1]", "expected a string, got 8080");
        assertErrors("x = 1\nlimits = 3\n", "1: key 'x': unknown key", "2: key 'limits': expected a table ([limits]), got 3");
        assertError("limits = 3\n", 1, "limits", "expected a table ([limits]), got 3");
        assertError("[cgi]\nprefix = \"/a/\"\n", 1, "cgi", "expected an array of tables ([[cgi]]), got a table");
        assertError("cgi = [1]\n", 1, "cgi[0]", "expected a table, got 1");
        assertError("[environment]\nset = [\"A=1\"]\n", 2, "environment.set", "expected a table ([environment.set]), got an array");
        assertError("[environment.set]\nA = \"x\"\nB = 2\n", 3, "environment.set.B", "expected a string, got 2");
        assertError("[environment]\ninherit = \"PATH\"\n", 2, "environment.inherit", "expected an array of strings");
        assertError("[[interpreter]]\nextension = \".php\"\ncommand = \"/x\"\nverbs = \"GET\"\n", 4, "interpreter[0].verbs",
                "expected an array of strings, got \"GET\"");
        assertError("[[cgi]]\nprefix = \"/a/\"\ndirectory = \"cgi-bin\"\npassAuthorization = \"yes\"\n", 4,
                "cgi[0].passAuthorization", "expected true or false, got \"yes\"");
    }

    /** limits.spoolDirectory: an existing directory, relative to the file; unset, the JVM's temp directory. */
    @Test
    void theSpoolDirectoryIsAnExistingDirectory() throws Exception {
        Files.createDirectories(dir.resolve("spool"));
        assertThat(load("[limits]\nspoolDirectory = \"spool\"\n").limits().spoolDirectoryOrTemp()).isEqualTo(dir.resolve("spool"));
        assertThat(load("").limits().spoolDirectoryOrTemp()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        assertError("[limits]\nspoolDirectory = \"nope\"\n", 2, "limits.spoolDirectory", "no such directory: " + dir.resolve("nope"));
    }

    @Test
    void outOfRangeValues() {
        assertError("[limits]\nmaxRequestBodyBytes = -1\n", 2, "limits.maxRequestBodyBytes", "expected a non-negative integer, got -1");
        assertError("[limits]\nspoolMemoryBytes = -5\n", 2, "limits.spoolMemoryBytes", "expected a non-negative integer, got -5");
        assertError("[limits]\nheaderLineBytes = 0\n", 2, "limits.headerLineBytes", "expected a positive integer, got 0");
        assertError("[limits]\nheaderBlockBytes = 4294967296\n", 2, "limits.headerBlockBytes",
                "expected a positive integer no larger than 2147483647, got 4294967296");
        assertError("[limits]\nmaxRequestBodyBytes = 99999999999999999999\n", 2, "limits.maxRequestBodyBytes",
                "expected a non-negative integer no larger than 9223372036854775807, got 99999999999999999999");
        assertError("[limits]\nheaderTimeoutSeconds = 0\n", 2, "limits.headerTimeoutSeconds", "expected a positive number, got 0");
        assertError("[limits]\nidleTimeoutSeconds = 0.0\n", 2, "limits.idleTimeoutSeconds", "expected a positive number, got 0");
        assertError("[limits]\nqueueTimeoutSeconds = -1\n", 2, "limits.queueTimeoutSeconds", "expected a positive number, got -1");
        assertError("[limits]\nheaderTimeoutSeconds = inf\n", 2, "limits.headerTimeoutSeconds", "expected a positive number, got Infinity");
        assertError("[limits]\nheaderTimeoutSeconds = nan\n", 2, "limits.headerTimeoutSeconds", "expected a positive number, got NaN");
        assertError("[limits]\nheaderTimeoutSeconds = 1e12\n", 2, "limits.headerTimeoutSeconds",
                "expected a positive number no larger than 31536000 (365 days)");
        assertError("[limits]\nkillGraceMillis = -1\n", 2, "limits.killGraceMillis", "expected a non-negative number, got -1");
        assertError("[limits]\nkillGraceMillis = 1e20\n", 2, "limits.killGraceMillis",
                "expected a non-negative number no larger than 31536000000 (365 days)");
        assertError("[limits]\nheaderTimeoutStatus = 500\n", 2, "limits.headerTimeoutStatus", "expected 502 or 504, got 500");
        assertError("[limits]\nheaderTimeoutStatus = \"502\"\n", 2, "limits.headerTimeoutStatus", "got \"502\"");
        assertError("[limits]\nmaxConcurrent = 0\n", 2, "limits.maxConcurrent", "expected a positive integer, got 0");
        assertError("[limits]\nqueueSize = -1\n", 2, "limits.queueSize", "expected a non-negative integer, got -1");
        assertError("[limits]\nredirectHops = -2\n", 2, "limits.redirectHops", "expected a non-negative integer, got -2");
        assertError("errorMode = \"verbose\"\n", 1, "errorMode",
                "expected one of Detailed, DetailedLocalOnly, Custom, got \"verbose\"");
    }

    @Test
    void cgiPrefixMustStartAndEndWithSlash() {
        assertError("[[cgi]]\nprefix = \"cgi-bin/\"\ndirectory = \"cgi-bin\"\n", 2, "cgi[0].prefix",
                "expected a URL prefix starting and ending with '/', e.g. \"/cgi-bin/\", got \"cgi-bin/\"");
        assertError("[[cgi]]\nprefix = \"/a/\"\ndirectory = \"cgi-bin\"\n\n[[cgi]]\nprefix = \"/cgi-bin\"\ndirectory = \"cgi-bin\"\n",
                6, "cgi[1].prefix", "got \"/cgi-bin\"");
    }

    @Test
    void cgiDirectoryMustExistAndBeADirectory() throws IOException {
        assertError("[[cgi]]\nprefix = \"/a/\"\ndirectory = \"nope\"\n", 3, "cgi[0].directory",
                "no such directory: " + dir.resolve("nope"));
        Files.writeString(dir.resolve("plain"), "");
        assertError("[[cgi]]\nprefix = \"/a/\"\ndirectory = \"plain\"\n", 3, "cgi[0].directory",
                "not a directory: " + dir.resolve("plain"));
        assertError("documentRoot = \"missing\"\n", 1, "documentRoot", "no such directory: " + dir.resolve("missing"));
    }

    @Test
    void duplicateCgiPrefix() {
        assertError("""
                [[cgi]]
                prefix = "/cgi-bin/"
                directory = "cgi-bin"

                [[cgi]]
                directory = "admin"
                prefix = "/cgi-bin/"
                """, 7, "cgi[1].prefix", "duplicate prefix \"/cgi-bin/\" (already mapped by cgi[0] at line 2)");
    }

    @Test
    void cgiNeedsPrefixAndDirectory() {
        assertError("listen = [\"127.0.0.1:1\"]\n[[cgi]]\ndirectory = \"cgi-bin\"\n", 2, "cgi[0].prefix",
                "missing: every [[cgi]] needs a URL prefix");
        assertError("[[cgi]]\nprefix = \"/a/\"\ndirectory = \"cgi-bin\"\n[[cgi]]\nprefix = \"/b/\"\n", 4, "cgi[1].directory",
                "missing: every [[cgi]] needs a directory");
    }

    @Test
    void interpreterErrors() {
        assertError("[[interpreter]]\nextension = \"php\"\ncommand = [\"/usr/bin/php-cgi\"]\n", 2, "interpreter[0].extension",
                "expected an extension starting with '.', e.g. \".php\", got \"php\"");
        assertError("[[interpreter]]\nextension = \".\"\ncommand = \"/x\"\n", 2, "interpreter[0].extension", "got \".\"");
        assertError("[[interpreter]]\nextension = \".php\"\ncommand = [\"php-cgi\", \"-q\"]\n", 3, "interpreter[0].command[0]",
                "expected an absolute path to the interpreter, got \"php-cgi\"");
        assertError("[[interpreter]]\nextension = \".php\"\ncommand = \"bin/php-cgi\"\n", 3, "interpreter[0].command",
                "expected an absolute path to the interpreter, got \"bin/php-cgi\"");
        assertError("[[interpreter]]\nextension = \".php\"\ncommand = [\n  \"./php\",\n]\n", 4, "interpreter[0].command[0]",
                "expected an absolute path");
        assertError("[[interpreter]]\nextension = \".php\"\ncommand = []\n", 3, "interpreter[0].command",
                "expected at least the interpreter's absolute path");
        assertError("[[interpreter]]\nextension = \".php\"\n", 1, "interpreter[0].command", "missing: every [[interpreter]] needs");
        assertError("[[interpreter]]\nextension = \".php\"\ncommand = \"/x\"\nverbs = []\n", 4, "interpreter[0].verbs",
                "expected at least one method (leave the key out to allow all)");
        assertError("[[interpreter]]\nextension = \".php\"\ncommand = \"/x\"\nverbs = [\"GET\", \"NOT A VERB\"]\n", 4,
                "interpreter[0].verbs[1]", "expected an HTTP method");
        assertError("[[interpreter]]\nextension = \".php\"\ncommand = \"/x\"\n[[interpreter]]\nextension = \".php\"\ncommand = \"/y\"\n",
                5, "interpreter[1].extension", "duplicate extension \".php\"");
    }

    @Test
    void interpreterCommandIsNormalized() throws Exception {
        ServerConfig c = load("[[interpreter]]\nextension = \".pl\"\ncommand = [\"/usr/bin/../bin/perl\", \"-w\"]\n");
        assertThat(c.interpreters().getFirst().command()).containsExactly("/usr/bin/perl", "-w");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "localhost        | missing the port",
            "[::1]            | missing the port",
            "127.0.0.1:99999  | the port must be a number from 0 to 65535",
            "127.0.0.1:http   | the port must be a number from 0 to 65535",
            "127.0.0.1:       | the port must be a number from 0 to 65535",
            ":8080            | missing the host",
            "::1:8080         | an IPv6 address must be in brackets",
            "[zz::1]:80       | not a valid IPv6 address",
            "256.0.0.1:80     | not a valid IPv4 address",
            "bad_host!:80     | not a valid host name",
            "' 127.0.0.1:80'  | not a valid host name"})
    void invalidListenAddress(String address, String problem) {
        assertError("\nlisten = [\"127.0.0.1:1\", \"" + address + "\"]\n", 2, "listen[1]",
                "invalid address \"" + address + "\": " + problem);
    }

    @Test
    void listenMustNotBeEmptyOrRepeated() {
        assertError("listen = []\n", 1, "listen", "expected at least one HOST:PORT address");
        assertError("listen = [\"127.0.0.1:1\",\n  \"127.0.0.1:1\"]\n", 2, "listen[1]", "listed twice");
    }

    @Test
    void environmentNamesAreChecked() {
        assertError("[environment]\ninherit = [\"PATH\", \"A=B\"]\n", 2, "environment.inherit[1]",
                "expected an environment variable name");
        assertError("[environment.set]\n\"\" = \"x\"\n", 2, "environment.set.", "expected an environment variable name");
    }

    @Test
    void inlineTablesAndDottedKeysAreLocated() {
        assertError("[environment]\ninherit = [\"PATH\"]\nset = { A = \"1\", B = 2 }\n", 3, "environment.set.B",
                "expected a string, got 2");
        assertError("limits.maxConcurrent = 1\n\nlimits.queueSize = -3\n", 3, "limits.queueSize", "got -3");
        assertError("cgi = [\n  { prefix = \"/a/\", directory = \"cgi-bin\" },\n  { prefix = \"b\", directory = \"cgi-bin\" },\n]\n",
                3, "cgi[1].prefix", "got \"b\"");
    }

    @Test
    void unreadableFiles() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.toml")))
                .isInstanceOf(ConfigException.class).hasMessage(dir.resolve("absent.toml") + ": no such file");
        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(dir + ": cannot read");
    }

    @Test
    void invalidUtf8() throws IOException {
        Files.write(file, new byte[] {'a', ' ', '=', ' ', '"', (byte) 0xC3, '"', '\n'});
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": not valid UTF-8 (TOML files must be UTF-8)");
    }

    // ---- property-ish: an unknown key anywhere is reported on its own line -------------------------

    /** A valid file with every key of every table. */
    static final List<String> EVERY_KEY = FULL_EXAMPLE.lines().toList();

    @TestFactory
    Stream<DynamicTest> unknownKeyIsReportedOnItsLineWhereverItIs() {
        // Before each line of the full example (and at its end), insert an unknown key into whatever table is open there.
        List<String> lines = EVERY_KEY;
        return IntStream.rangeClosed(0, lines.size()).mapToObj(at -> {
            String table = tableAt(lines, at);
            String name = List.of("bogus", "max_concurrent", "Listen2", "x-y", "quiteAnUnknownKeyName").get(at % 5);
            return DynamicTest.dynamicTest("'" + name + "' inserted as line " + (at + 1) + " in [" + table + "]", () -> {
                List<String> edited = new ArrayList<>(lines);
                edited.add(at, name + " = 1  # inserted");
                String key = table.isEmpty() ? name : table + "." + name;
                // [environment.set] takes any name, so there the inserted number is the error.
                String problem = table.equals("environment.set") ? "expected a string, got 1" : "unknown key";
                assertError(String.join("\n", edited) + "\n", at + 1, key, problem);
            });
        });
    }

    /** The table path (as the loader names it) that a key inserted before line index {@code at} lands in. */
    private static String tableAt(List<String> lines, int at) {
        String table = "";
        int cgi = -1, interpreter = -1;
        for (int i = 0; i < at; i++) {
            String l = lines.get(i).strip();
            if (l.equals("[[cgi]]")) table = "cgi[" + ++cgi + "]";
            else if (l.equals("[[interpreter]]")) table = "interpreter[" + ++interpreter + "]";
            else if (l.startsWith("[")) table = l.substring(1, l.length() - 1);
        }
        return table;
    }

    @Test
    void unknownKeyInTheNthCgiTableIsOnItsLine() {
        StringBuilder toml = new StringBuilder("[limits]\nmaxConcurrent = 2\n");
        for (int n = 0; n < 6; n++) {
            toml.append("\n[[cgi]]  # number ").append(n).append("\nprefix = \"/p").append(n)
                    .append("/\"\ndirectory = \"cgi-bin\"\n");
        }
        List<String> lines = new ArrayList<>(toml.toString().lines().toList());
        for (int n = 0; n < 6; n++) {
            List<String> edited = new ArrayList<>(lines);
            int headerIndex = edited.indexOf("[[cgi]]  # number " + n);
            edited.add(headerIndex + 2, "passAuth = true");
            assertError(String.join("\n", edited), headerIndex + 3, "cgi[" + n + "].passAuth",
                    "unknown key (did you mean 'passAuthorization'?)");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private ServerConfig load(String toml) throws Exception {
        Files.writeString(file, toml, StandardCharsets.UTF_8);
        return ConfigLoader.load(file);
    }

    /** Asserts loading {@code toml} fails with exactly these problems, each "LINE: key 'KEY': PROBLEM" after "FILE:". */
    private void assertErrors(String toml, String... problems) {
        assertThatThrownBy(() -> load(toml))
                .as("loading:\n%s", toml)
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).map(ConfigProblem::toString)
                        .containsExactly(Stream.of(problems).map(p -> file + ":" + p).toArray(String[]::new)));
    }

    // ---- issue 9: who programs run as, their limits, crash loops, the connection side ----

    @Test
    void programUserLimitsCrashLoopAndConnectionsAreRead() throws Exception {
        Files.createDirectories(dir.resolve("cgi-bin"));
        ServerConfig c = load("""
                user = "www-data"
                [limits]
                cpuSeconds = 2
                memoryMiB = 256
                outputMiB = 10
                stderrKiB = 8
                totalTimeoutSeconds = 120
                requestHeadTimeoutSeconds = 5
                maxConnections = 100
                maxConnectionsPerClient = 10
                [crashLoop]
                failures = 3
                windowSeconds = 30
                cooldownSeconds = 5
                [[cgi]]
                prefix = "/cgi-bin/"
                directory = "cgi-bin"
                user = "nobody"
                group = "nogroup"
                [cgi.limits]
                cpuSeconds = 5
                """);
        assertThat(c.programUser()).isEqualTo(new ProgramUser("www-data", null, false));
        assertThat(c.programLimits()).isEqualTo(new ProgramLimits(2, 256, 0, 0, 10, 8));
        assertThat(c.limits().totalTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.connections()).isEqualTo(new ConnectionLimits(Duration.ofSeconds(5), 100, 10));
        assertThat(c.crashLoop()).isEqualTo(new CrashLoopPolicy(3, Duration.ofSeconds(30), Duration.ofSeconds(5)));
        CgiMapping m = c.cgi().getFirst();
        assertThat(m.user()).isEqualTo(new ProgramUser("nobody", "nogroup", false));
        assertThat(m.limits()).as("the mapping's own, over the global ones").isEqualTo(new ProgramLimits(5, 256, 0, 0, 10, 8));
    }

    @Test
    void rootProgramsNeedAllowRootPrograms() throws Exception {
        assertError("user = \"root\"\n", 1, "user", "\"root\" is refused: programs never run as root unless "
                + "allowRootPrograms = true is set as well");
        assertThat(load("user = \"root\"\nallowRootPrograms = true\n").programUser())
                .isEqualTo(new ProgramUser("root", null, true));
        assertError("user = \"bad name\"\n", 1, "user", "expected a user or group name or number");
        assertError("[crashLoop]\nfailures = -1\n", 2, "crashLoop.failures", "");
        assertError("[crashLoop]\nretries = 1\n", 2, "crashLoop.retries", "unknown key");
    }

    /**
     * Asserts loading {@code toml} fails with exactly one problem, "FILE:LINE: key 'KEY': …PROBLEM…" (no key
     * part when key is null): a single mistake is reported once, never echoed by a second complaint.
     */
    private void assertError(String toml, int line, String key, String problem) {
        String prefix = file + ":" + line + ": " + (key == null ? "" : "key '" + key + "': ");
        assertThatThrownBy(() -> load(toml))
                .as("loading:\n%s", toml)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(prefix)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).as("problems").hasSize(1))
                .message().satisfies(m -> assertThat(m.substring(prefix.length())).contains(problem));
    }

    private static ServerConfig withSource(ServerConfig c, Path source) {
        return c.toBuilder().source(source).build();
    }
}
