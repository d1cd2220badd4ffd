#!/usr/bin/perl
# Broken on purpose (the seed scenario): reads up to 1 MiB of the POST body, then dies
# with a message on stderr and exit status 2, without printing any header.
# Expect 502.2 with an empty header list, exit status 2.
use strict;
use warnings;

binmode STDIN;
my $len = $ENV{CONTENT_LENGTH};
$len = 0 unless defined $len && $len =~ /^\d+$/;
my $limit = 1024 * 1024;
$len = $limit if $len > $limit;

my $read = 0;
while ($read < $len) {
    my $want = $len - $read;
    $want = 65536 if $want > 65536;
    my $n = read(STDIN, my $buf, $want);
    last unless $n;
    $read += $n;
}

print STDERR "out of memory while parsing upload\n";
exit 2;
