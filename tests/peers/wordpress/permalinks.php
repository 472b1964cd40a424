<?php
// Switches the permalink structure: '' is WordPress's plain ?p=123 links.
require __DIR__ . '/boot.php';
global $wp_rewrite;
$wp_rewrite->set_permalink_structure($argv[1] ?? '');
flush_rewrite_rules(false);
peer_json(['permalink_structure' => get_option('permalink_structure')]);
