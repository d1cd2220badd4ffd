package org.tracegate.process;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A FastCGI application's descriptor 0 is a listening socket the server made (FCGI_LISTENSOCK_FILENO): through
 * posix_spawn (a dup2 file action) and through the spawn helper (the socket sent by SCM_RIGHTS, checked by the
 * helper, protocol version 2's FLAG_LISTEN_SOCKET); stdout and stderr stay pipes; ProcessBuilder refuses it.
 */
class ListenSocketLaunchTest {
    /** Accepts one connection on descriptor 0, says who it is on it, and one line on stdout and stderr each. */
    private static final String ACCEPTOR = "open(my $l, '<&=', 0) or die \"fd 0: $!\"; accept(my $c, $l) or die \"accept: $!\";"
            + " my @fd = map { s{.*/}{}r } glob('/proc/self/fd/*'); syswrite($c, \"pid $$ uid $< fds @fd\\n\"); close($c);"
            + " print STDOUT \"to stdout\\n\"; print STDERR \"to stderr\\n\";";

    @TempDir Path dir;

    static Stream<Object[]> launchersAndUsers() {
        List<Object[]> out = new ArrayList<>();
        Credentials nobody = ProcStatus.ofThisThread().isRoot()
                ? Credentials.forPrograms(Credentials.lookup("nobody", "nogroup")) : null;
        Programs.nativeLaunchers().forEach(l -> {
            out.add(new Object[] {l, null});
            if (nobody != null) out.add(new Object[] {l, nobody});
        });
        return out.stream();
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("launchersAndUsers")
    void theProgramAcceptsOnItsDescriptorZeroAndKeepsItsPipes(ProcessLauncher launcher, Credentials as) throws Exception {
        // A private directory the program user cannot even search: it needs no path, only its descriptor.
        Path sockets = Files.createDirectory(dir.resolve("sockets"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path path = sockets.resolve("1.sock");
        ChildProcess child;
        try (ListeningSocket socket = ListeningSocket.unix(path, 16)) {
            child = launcher.launch(new LaunchSpec(List.of("/usr/bin/perl", "-e", ACCEPTOR), Programs.ENV, Path.of("/"))
                    .withCredentials(as).withListenSocket(socket));
        } // the server keeps no descriptor of it: only the program listens now
        String answer;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            answer = readAll(ch);
        }
        assertThat(answer).startsWith("pid " + child.pid() + " uid " + (as == null ? 0 : as.uid()) + " fds ");
        // 0 the listening socket, 1 and 2 the pipes, the accepted connection and glob's directory: nothing inherited.
        assertThat(answer.strip().replaceFirst(".* fds ", "").split(" ")).hasSizeLessThanOrEqualTo(5).contains("0", "1", "2");
        assertThat(new String(child.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("to stdout\n");
        assertThat(new String(child.stderr().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("to stderr\n");
        assertThat(child.stdin()).isNotNull();
        child.stdin().write(1); // a null stream: there is no stdin pipe
        assertThat(child.onExit().get(10, TimeUnit.SECONDS).exitCode()).isZero();
        child.closePipes();
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void descriptorZeroIsTheListeningSocketItself(ProcessLauncher launcher) throws Exception {
        Path path = dir.resolve("2.sock");
        ChildProcess child;
        try (ListeningSocket socket = ListeningSocket.unix(path, 16)) {
            child = launcher.launch(Programs.sh(dir, "readlink /proc/self/fd/0; stat -L -c %F /proc/self/fd/0")
                    .withListenSocket(socket));
        }
        try {
            String out = new String(child.stdout().readNBytes(200), StandardCharsets.UTF_8);
            assertThat(out).matches("socket:\\[\\d+\\]\nsocket\n");
        } finally {
            child.terminate(EndedBy.SHUTDOWN, Duration.ZERO);
            child.onExit().get(10, TimeUnit.SECONDS);
            child.closePipes();
        }
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void aClosedSocketIsRefusedAndLeaksNothing(ProcessLauncher launcher) throws Exception {
        ListeningSocket socket = ListeningSocket.unix(dir.resolve("3.sock"), 16);
        socket.close();
        int before = openFds();
        LaunchException e = catchThrowableOfType(LaunchException.class,
                () -> launcher.launch(Programs.spec(dir, "/bin/true").withListenSocket(socket)));
        assertThat(e.errnoName()).isEqualTo("EBADF");
        assertThat(e.getMessage()).contains("its listening socket unix:" + dir.resolve("3.sock") + " is closed");
        assertThat(openFds()).isLessThanOrEqualTo(before);
    }

    @Test
    void theProcessBuilderLauncherRefusesIt() throws Exception {
        try (ListeningSocket socket = ListeningSocket.unix(dir.resolve("4.sock"), 16)) {
            LaunchException e = catchThrowableOfType(LaunchException.class,
                    () -> new ProcessBuilderLauncher().launch(Programs.spec(dir, "/bin/true").withListenSocket(socket)));
            assertThat(e.errnoName()).isEqualTo("ENOSYS");
            assertThat(e.getMessage()).contains("the ProcessBuilder launcher can only give a program pipes");
        }
    }

    @Test
    void aPathThatExistsOrIsTooLongIsRefusedWithTheErrno() throws Exception {
        Files.writeString(dir.resolve("taken"), "x");
        assertThat(catchThrowableOfType(java.io.IOException.class, () -> ListeningSocket.unix(dir.resolve("taken"), 1)))
                .hasMessageContaining("EADDRINUSE");
        assertThat(catchThrowableOfType(java.io.IOException.class,
                () -> ListeningSocket.unix(dir.resolve("x".repeat(120)), 1))).hasMessageContaining("ENAMETOOLONG");
    }

    /**
     * The helper's half of FLAG_LISTEN_SOCKET: it checks the first descriptor before the clone, and answers
     * FAILED(5, ENOTSOCK) for a pipe, FAILED(5, EINVAL) for a socket that does not listen, SPAWNED for a listening one.
     */
    @Test
    void theHelperChecksThatTheFirstDescriptorListens() throws Exception {
        Assumptions.assumeTrue(HelperLauncher.unavailableBecause() == null, "no spawn helper in this build");
        try (Arena arena = Arena.ofConfined(); ListeningSocket socket = ListeningSocket.unix(dir.resolve("5.sock"), 4)) {
            MemorySegment pair = arena.allocate(JAVA_INT, 2);
            Libc.pipe2(pair, Libc.O_CLOEXEC);
            int pipeRead = pair.getAtIndex(JAVA_INT, 0), pipeWrite = pair.getAtIndex(JAVA_INT, 1);
            int[] unconnected = Sockets.seqpacketPair();
            int listening = socket.duplicate();
            try {
                LaunchSpec spec = Programs.spec(dir, "/bin/true").withListenSocket(socket);
                assertThat(rawSpawn(spec, pipeRead, pipeWrite)).isEqualTo("FAILED 5 " + Errno.ENOTSOCK);
                assertThat(rawSpawn(spec, unconnected[0], pipeWrite)).isEqualTo("FAILED 5 " + Errno.EINVAL);
                assertThat(rawSpawn(spec, listening, pipeWrite)).isEqualTo("SPAWNED");
            } finally {
                for (int fd : new int[] {pipeRead, pipeWrite, unconnected[0], unconnected[1], listening}) Libc.close(fd);
            }
        }
    }

    /** Starts a helper of our own, sends one SPAWN for {@code spec} with {@code fd0} first, and says what it answered. */
    private static String rawSpawn(LaunchSpec spec, int fd0, int out) throws Exception {
        HelperBinary binary = HelperBinary.extract();
        int[] sv = Sockets.seqpacketPair();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pidOut = arena.allocate(JAVA_INT);
            LaunchSpec helperSpec = new LaunchSpec(List.of(binary.file.toString(), "500"), Programs.ENV, Path.of("/"), null,
                    ResourceLimits.INHERITED);
            NativeChild helper;
            NativeChild.GROUP_LOCK.readLock().lock();
            try {
                assertThat(NativeLauncher.spawn(arena, helperSpec, new int[] {sv[1], -1, -1, 2, -1, 2}, pidOut).rc()).isZero();
                helper = new NativeChild(pidOut.get(JAVA_INT, 0), new long[0], OutputStream.nullOutputStream(),
                        InputStream.nullInputStream(), InputStream.nullInputStream(), false, ExitSource.JVM);
            } finally {
                NativeChild.GROUP_LOCK.readLock().unlock();
            }
            Reaper.INSTANCE.register(helper);
            Libc.close(sv[1]);
            MemorySegment reply = arena.allocate(256, 8);
            assertThat(Sockets.awaitReadable(sv[0], 10_000)).isTrue();
            Sockets.recv(sv[0], reply, Libc.allocateCapture(arena));
            assertThat(HelperProtocol.type(reply)).isEqualTo(HelperProtocol.HELLO);
            assertThat(HelperProtocol.int2(reply)).isEqualTo(2);
            MemorySegment m = HelperProtocol.spawn(arena, spec);
            HelperProtocol.setId(m, 1);
            Sockets.sendWithFds(sv[0], m, fd0, out, out);
            assertThat(Sockets.awaitReadable(sv[0], 10_000)).isTrue();
            long n = Sockets.recv(sv[0], reply, Libc.allocateCapture(arena));
            assertThat(HelperProtocol.checkHeader(reply, n)).isNull();
            String said = switch (HelperProtocol.type(reply)) {
                case HelperProtocol.FAILED -> "FAILED " + HelperProtocol.int0(reply) + " " + HelperProtocol.int1(reply);
                case HelperProtocol.SPAWNED -> "SPAWNED";
                default -> "type " + HelperProtocol.type(reply);
            };
            Sockets.shutdown(sv[0]);
            assertThat(helper.onExit().get(10, TimeUnit.SECONDS).exitCode()).isZero();
            return said;
        } finally {
            Libc.close(sv[0]);
            binary.delete();
        }
    }

    private static String readAll(SocketChannel ch) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (ch.read(b) >= 0 && b.hasRemaining()) {
            // until the program closes the connection
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private static int openFds() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }
}
