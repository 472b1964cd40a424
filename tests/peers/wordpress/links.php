<?php
// Every address WordPress gave the blog's content under the current permalink structure, made
// with WordPress's own link functions, plus the plain query forms it answers whatever the
// structure (?p=, ?cat=, ?m=, ...). JSON: a list of [address, what it shows, its kind].
require __DIR__ . '/boot.php';
$links = [];
function add_link(&$links, $url, $what, $kind) { $links[] = [html_entity_decode($url), $what, $kind]; }

$home = home_url('/');
$dates = [];
foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'publish', 'numberposts' => -1]) as $post) {
    $title = get_the_title($post);
    add_link($links, get_permalink($post), $title, $post->post_type);
    add_link($links, add_query_arg($post->post_type === 'page' ? 'page_id' : 'p', $post->ID, $home), $title, $post->post_type);
    add_link($links, get_post_comments_feed_link($post->ID), "comments feed: $title", 'feed');
    $parts = substr_count($post->post_content, '<!--nextpage-->') + 1;
    for ($n = 2; $n <= $parts; $n++) {
        $GLOBALS['post'] = $post;  // _wp_link_page() links a part of the current post
        preg_match('/href="([^"]+)"/', _wp_link_page($n), $href);
        add_link($links, html_entity_decode($href[1] ?? ''), "$title, part $n", 'part');
    }
    if ($post->post_type === 'post') {
        $t = strtotime($post->post_date);
        $dates[date('Y', $t)][date('m', $t)][date('d', $t)] = true;
    }
}
foreach (get_terms(['taxonomy' => ['category', 'post_tag'], 'hide_empty' => false]) as $term) {
    $what = ($term->taxonomy === 'category' ? 'category: ' : 'tag: ') . $term->name;
    add_link($links, get_term_link($term), $what, 'term');
    add_link($links, get_term_feed_link($term->term_id, $term->taxonomy), "feed of $what", 'feed');
    $query = $term->taxonomy === 'category' ? ['cat' => $term->term_id] : ['tag' => $term->slug];
    add_link($links, add_query_arg($query, $home), $what, 'term');
}
foreach (get_users(['has_published_posts' => ['post']]) as $user) {
    add_link($links, get_author_posts_url($user->ID), "author: $user->display_name", 'author');
    add_link($links, add_query_arg('author', $user->ID, $home), "author: $user->display_name", 'author');
}
foreach ($dates as $year => $months) {
    add_link($links, get_year_link($year), "year $year", 'date');
    add_link($links, add_query_arg('m', $year, $home), "year $year", 'date');
    add_link($links, add_query_arg('year', $year, $home), "year $year", 'date');
    foreach ($months as $month => $days) {
        add_link($links, get_month_link($year, $month), "month $year-$month", 'date');
        add_link($links, add_query_arg('m', "$year$month", $home), "month $year-$month", 'date');
        foreach (array_keys($days) as $day) {
            add_link($links, get_day_link($year, $month, $day), "day $year-$month-$day", 'date');
            add_link($links, add_query_arg('m', "$year$month$day", $home), "day $year-$month-$day", 'date');
        }
    }
}
foreach (['rss2', 'atom', 'rss', 'rdf'] as $feed) {
    add_link($links, get_feed_link($feed), "site feed ($feed)", 'feed');
    add_link($links, add_query_arg('feed', $feed, $home), "site feed ($feed)", 'feed');
}
add_link($links, get_feed_link('comments_rss2'), 'comments feed', 'feed');
add_link($links, add_query_arg('s', 'train', $home), 'search: train', 'search');
add_link($links, $home, 'front page', 'front');
peer_json(array_values(array_filter($links, function ($link) { return $link[0] !== ''; })));
