#!/usr/bin/perl
# Working: CGI.pm form handling. GET shows a form; POST echoes the submitted fields, HTML-escaped.
use strict;
use warnings;
use CGI;

my $q = CGI->new;
my $method = $ENV{REQUEST_METHOD} || 'GET';

print $q->header(-type => 'text/html', -charset => 'utf-8');
print <<'HTML';
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>form.pl</title>
<link rel="stylesheet" href="/style.css"></head>
<body>
<h1>form.pl (Perl, CGI.pm)</h1>
HTML

if ($method eq 'POST') {
    print "<h2>You posted</h2>\n<table>\n<tr><th>Field</th><th>Value</th></tr>\n";
    my @names = $q->param;
    for my $name (@names) {
        for my $value ($q->multi_param($name)) {
            printf "<tr><td>%s</td><td>%s</td></tr>\n",
                CGI::escapeHTML($name), CGI::escapeHTML(defined $value ? $value : '');
        }
    }
    print "<tr><td colspan=\"2\"><em>(no fields)</em></td></tr>\n" unless @names;
    print "</table>\n";
}

print <<'HTML';
<h2>Post something</h2>
<form method="post" action="/cgi-bin/form.pl">
<p><label>Name <input type="text" name="name" value="Ada"></label></p>
<p><label>Comment <textarea name="comment" rows="3" cols="40">&lt;b&gt;escaped?&lt;/b&gt; &amp; more</textarea></label></p>
<p><button type="submit">Send</button></p>
</form>
<p><a href="/">Back to the demo</a></p>
</body>
</html>
HTML
