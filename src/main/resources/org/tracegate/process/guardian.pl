# tracegate guardian (docs/process.md, "No orphans"). Run as: perl -e <this> GRACE_MILLIS
# stdin is the read end of a pipe whose only writer is the server: "+PGID" when it starts a program, "-PGID" when
# it is done with that process group. EOF means the server is gone (exit, crash, SIGKILL): SIGTERM to every group
# still listed, up to GRACE_MILLIS for them to go, SIGKILL to the rest, exit.
use strict;
use warnings;
$0 = 'tracegate-guardian';
# Signals meant for the server's terminal or group are not ours; SIGTERM still ends us (the server restarts us).
$SIG{$_} = 'IGNORE' for qw(HUP INT QUIT PIPE USR1 USR2 TSTP TTIN TTOU);
my $grace_ms = $ARGV[0] // 2000;
my %groups;
while (my $line = <STDIN>) {
    if ($line =~ /^\+(\d+)$/) { $groups{$1} = 1 }
    elsif ($line =~ /^-(\d+)$/) { delete $groups{$1} }
}
my @left = grep { $_ > 1 } keys %groups;
exit 0 unless @left;
kill 'TERM', map { -$_ } @left;
for (my $waited = 0; $waited < $grace_ms; $waited += 50) {
    @left = grep { kill 0, -$_ } @left;
    last unless @left;
    select undef, undef, undef, 0.05;
}
kill 'KILL', map { -$_ } @left if @left;
exit 0;
