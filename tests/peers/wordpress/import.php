<?php
// Imports a WXR file the way Tools -> Import -> WordPress does, without the browser: every author
// in the file becomes a user of the same login (or the admin when that login exists already).
define('WP_LOAD_IMPORTERS', true);
define('IMPORT_DEBUG', true);
require __DIR__ . '/boot.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
$importer_dir = getenv('HLSBLOG_WP_IMPORTER') ?: '/var/lib/hlsblog-peers/wordpress-importer';
require_once $importer_dir . '/wordpress-importer.php';

wp_set_current_user(1);
$file = $argv[1];
$importer = new WP_Import();
$parsed = $importer->parse($file);
if (is_wp_error($parsed)) {
    fwrite(STDERR, $parsed->get_error_message() . "\n");
    exit(1);
}
$_POST['imported_authors'] = array_keys($parsed['authors']);
$_POST['user_map'] = [];
$importer->fetch_attachments = false;
ob_start();
$importer->import($file);
$log = ob_get_clean();
fwrite(STDERR, strip_tags(str_replace('<br />', "\n", $log)));
peer_json(['posts' => count($importer->processed_posts), 'terms' => count($importer->processed_terms)]);
