<?php
// A fresh blog in the (just emptied) database: wp_install() as the web installer calls it, then
// the settings a moved blog had: pretty permalinks, a time zone west of UTC, no sample content.
$HLSBLOG_INSTALLING = true;
require __DIR__ . '/boot.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$result = wp_install('Peer Blog', 'admin', 'admin@example.org', true, '', 'peer password 1');
update_option('timezone_string', 'America/New_York');
update_option('gmt_offset', '');
update_option('posts_per_page', 10);
update_option('default_pingback_flag', 0);
update_option('default_ping_status', 'closed');
update_option('blogdescription', 'A WordPress that hlsblog is compared with');
foreach (get_posts(['post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1]) as $post) {
    wp_delete_post($post->ID, true);  // Hello world!, Sample Page, Privacy Policy
}
switch_theme('twentytwentyone');
// No widgets: a page then links posts only where it lists them, as the test compares.
update_option('sidebars_widgets', ['wp_inactive_widgets' => [], 'array_version' => 3]);
global $wp_rewrite;
$wp_rewrite->set_permalink_structure(getenv('HLSBLOG_WP_PERMALINKS') ?: '/%year%/%monthnum%/%day%/%postname%/');
flush_rewrite_rules(false);
peer_json(['user_id' => $result['user_id'], 'home' => home_url('/')]);
