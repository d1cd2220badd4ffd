#!/bin/sh
# Working: a minimal HTML page showing a few CGI meta-variables.
esc() {
    printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'
}
printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
cat <<HTML
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Hello from sh</title>
<link rel="stylesheet" href="/style.css"></head>
<body>
<h1>Hello from a shell script</h1>
<table>
<tr><th>REQUEST_METHOD</th><td>$(esc "$REQUEST_METHOD")</td></tr>
<tr><th>QUERY_STRING</th><td>$(esc "$QUERY_STRING")</td></tr>
<tr><th>PATH_INFO</th><td>$(esc "$PATH_INFO")</td></tr>
<tr><th>REMOTE_ADDR</th><td>$(esc "$REMOTE_ADDR")</td></tr>
<tr><th>SERVER_SOFTWARE</th><td>$(esc "$SERVER_SOFTWARE")</td></tr>
</table>
<p><a href="/">Back to the demo</a></p>
</body>
</html>
HTML
