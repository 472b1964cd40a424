<?php
// What the blog holds, as JSON: its posts and pages (type, parent, order, password), terms, users.
require __DIR__ . '/boot.php';
global $wpdb;
$posts = $wpdb->get_results(
    "SELECT ID, post_type, post_status, post_title, post_name, post_parent, menu_order,
            post_password, post_date, post_date_gmt, comment_count
       FROM {$wpdb->posts} WHERE post_type IN ('post', 'page') ORDER BY ID", ARRAY_A);
foreach ($posts as &$post) {
    $post['permalink'] = get_permalink($post['ID']);
    $post['categories'] = wp_get_post_categories($post['ID'], ['fields' => 'slugs']);
    $post['tags'] = wp_get_post_tags($post['ID'], ['fields' => 'slugs']);
    $content = get_post_field('post_content', $post['ID']);
    $post['pages'] = substr_count($content, '<!--nextpage-->') + 1;
    // The words, whatever the markup: WordPress's own paragraphs or the HTML hlsblog writes.
    $post['text'] = trim(preg_replace('/\s+/', ' ', html_entity_decode(wp_strip_all_tags($content))));
}
$terms = [];
foreach (get_terms(['taxonomy' => ['category', 'post_tag'], 'hide_empty' => false]) as $term) {
    $terms[] = ['term_id' => $term->term_id, 'taxonomy' => $term->taxonomy, 'slug' => $term->slug,
                'name' => $term->name, 'parent' => $term->parent, 'count' => $term->count];
}
$users = [];
foreach (get_users() as $user) {
    $users[] = ['ID' => $user->ID, 'login' => $user->user_login, 'nicename' => $user->user_nicename,
                'display_name' => $user->display_name];
}
peer_json(['posts' => $posts, 'terms' => $terms, 'users' => $users,
           'permalink_structure' => get_option('permalink_structure')]);
