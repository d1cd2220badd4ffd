<?php
// Working: runs through /usr/bin/php-cgi via the [[interpreter]] mapping for ".php".
// This file is deliberately NOT executable (mode 644): the interpreter mapping runs it.
header('Content-Type: text/html; charset=utf-8');
function h($s) { return htmlspecialchars((string)$s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8'); }
function rows($arr) {
    if (!$arr) { return "<tr><td colspan=\"2\"><em>(empty)</em></td></tr>\n"; }
    $out = '';
    foreach ($arr as $k => $v) {
        $out .= '<tr><td>' . h($k) . '</td><td>' . h(is_array($v) ? json_encode($v) : $v) . "</td></tr>\n";
    }
    return $out;
}
?>
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>info.php</title>
<link rel="stylesheet" href="/style.css"></head>
<body>
<h1>info.php (PHP via php-cgi)</h1>
<table>
<tr><th>PHP version</th><td><?= h(PHP_VERSION) ?></td></tr>
<tr><th>SAPI</th><td><?= h(PHP_SAPI) ?></td></tr>
<tr><th>REQUEST_METHOD</th><td><?= h($_SERVER['REQUEST_METHOD'] ?? '') ?></td></tr>
<tr><th>SCRIPT_NAME</th><td><?= h($_SERVER['SCRIPT_NAME'] ?? '') ?></td></tr>
</table>
<h2>$_GET</h2>
<table>
<?= rows($_GET) ?>
</table>
<h2>$_POST</h2>
<table>
<?= rows($_POST) ?>
</table>
<form method="post" action="?from=form">
<p><label>Say something <input type="text" name="message" value="hello php"></label>
<button type="submit">Post</button></p>
</form>
<p><a href="/">Back to the demo</a></p>
</body>
</html>
