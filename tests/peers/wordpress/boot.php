<?php
// Loads the peer WordPress from the command line. Debian's wp-config.php picks its config file
// from WORDPRESS_CONFIG (what Apache's SetEnv gives it) and reads HTTP_HOST, unset under php-cli.
$_SERVER['WORDPRESS_CONFIG'] = getenv('HLSBLOG_WP_CONFIG') ?: 'hlsblog-peer';
$_SERVER['HTTP_HOST'] = parse_url(getenv('HLSBLOG_WP_URL') ?: 'http://127.0.0.1:8201', PHP_URL_HOST);
$_SERVER['REQUEST_METHOD'] = 'GET';
if (!empty($HLSBLOG_INSTALLING)) {
    define('WP_INSTALLING', true);
}
require '/usr/share/wordpress/wp-load.php';

function peer_json($value) {
    echo json_encode($value, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
}
