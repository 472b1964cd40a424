<?php
// The whole blog as WordPress's own Tools -> Export writes it (export_wp), on stdout.
require __DIR__ . '/boot.php';
require_once ABSPATH . 'wp-admin/includes/export.php';
wp_set_current_user(1);
export_wp(['content' => 'all']);
