#!/usr/bin/perl
# Working: reads the whole request body (CONTENT_LENGTH bytes) and reports its size and SHA-256.
use strict;
use warnings;
use Digest::SHA;

binmode STDIN;
binmode STDOUT;

my $expected = $ENV{CONTENT_LENGTH};
$expected = 0 unless defined $expected && $expected =~ /^\d+$/;

my $sha  = Digest::SHA->new(256);
my $read = 0;
while ($read < $expected) {
    my $want = $expected - $read;
    $want = 65536 if $want > 65536;
    my $n = read(STDIN, my $buf, $want);
    die "upload-size.pl: read error: $!\n" unless defined $n;
    last if $n == 0;    # premature end of input
    $sha->add($buf);
    $read += $n;
}

print "Content-Type: text/plain; charset=utf-8\r\n\r\n";
print "method:          ", ($ENV{REQUEST_METHOD} || ''), "\n";
print "content type:    ", ($ENV{CONTENT_TYPE} || '(none)'), "\n";
print "CONTENT_LENGTH:  $expected\n";
print "bytes read:      $read\n";
print "sha256:          ", $sha->hexdigest, "\n";
print "complete:        ", ($read == $expected ? "yes" : "NO - input ended early"), "\n";
