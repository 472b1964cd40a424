<?php
// Writes the content of tests/fixtures/wxr/wordpress-peer.xml into a freshly installed peer (run
// install.php first); export.php then writes the file. Terms are made in the order WordPress's
// export lists them (by name, parents first) so its importer gives them the same ids again.
require __DIR__ . '/boot.php';
wp_set_current_user(1);

function cat_id($name, $parent = 0) {
    return wp_insert_term($name, 'category', ['parent' => $parent])['term_id'];
}
$abroad = cat_id('Abroad');
$europe = cat_id('Europe', $abroad);
$news = cat_id('News');
$trains = cat_id('Trains', $europe);
foreach (['Flask', 'Python', 'Someday', 'Unused'] as $tag) {
    wp_insert_term($tag, 'post_tag');  // Someday and Unused never get a post
}
$guest = wp_insert_user(['user_login' => 'guest', 'user_pass' => wp_generate_password(),
                         'user_email' => 'guest@example.org', 'display_name' => 'Guest Writer',
                         'role' => 'author']);

function post($fields) {
    $id = wp_insert_post(array_merge(['post_status' => 'publish', 'post_author' => 1,
                                      'comment_status' => 'open', 'ping_status' => 'closed'], $fields), true);
    if (is_wp_error($id)) {
        fwrite(STDERR, $id->get_error_message() . "\n");
        exit(1);
    }
    return $id;
}
function comment($post_id, $author, $text, $date, $parent = 0) {
    return wp_insert_comment(['comment_post_ID' => $post_id, 'comment_author' => $author,
                              'comment_author_email' => strtolower($author) . '@example.org',
                              'comment_content' => $text, 'comment_date' => $date,
                              'comment_date_gmt' => get_gmt_from_date($date),
                              'comment_parent' => $parent, 'comment_approved' => 1]);
}

$about = post(['post_type' => 'page', 'post_title' => 'About', 'post_name' => 'about',
               'post_date' => '2024-01-02 09:00:00', 'menu_order' => 1,
               'post_content' => "This blog is about trains and code.\n\nIt moved here from WordPress."]);
post(['post_type' => 'page', 'post_title' => 'Team', 'post_name' => 'team', 'post_parent' => $about,
      'post_date' => '2024-01-02 09:05:00', 'menu_order' => 2,
      'post_content' => 'Two people write here: the admin and a guest.']);
$contact = post(['post_type' => 'page', 'post_title' => 'Contact', 'post_name' => 'contact',
                 'post_date' => '2024-01-02 09:10:00', 'menu_order' => 3,
                 'post_content' => 'Leave a comment below.']);
comment($contact, 'Reader', 'How do I reach you by mail?', '2024-01-03 10:00:00');

$hello = post(['post_title' => 'Hello from the old blog', 'post_name' => 'hello-from-the-old-blog',
               'post_date' => '2024-01-10 10:00:00', 'post_category' => [$news],
               'tags_input' => ['Python', 'Flask'],
               'post_content' => "The first post.\n\n<!--more-->\n\nIt shows code with a CDATA end in it: <code>a[b[0]]>c</code>."]);
$first = comment($hello, 'Alice', 'Welcome to the new place!', '2024-01-10 12:00:00');
comment($hello, 'Bob', 'Agreed, <em>welcome</em>.', '2024-01-10 13:00:00', $first);

// 23:30 in New York is 04:30 UTC the next day: WordPress's permalink uses the local date.
post(['post_title' => 'A night train to Berlin', 'post_name' => 'a-night-train-to-berlin',
      'post_date' => '2024-01-15 23:30:00', 'post_category' => [$trains], 'tags_input' => ['Flask'],
      'post_content' => 'We left at half past eleven at night and woke up in Berlin.']);

$long = post(['post_title' => 'A long read in three parts', 'post_name' => 'a-long-read-in-three-parts',
              'post_date' => '2024-02-20 12:00:00', 'post_category' => [$europe],
              'post_content' => "Part one: the plan.\n<!--nextpage-->\nPart two: the journey.\n<!--nextpage-->\nPart three: home again."]);
comment($long, 'Carol', 'Which part was your favourite?', '2024-02-21 08:00:00');

post(['post_title' => 'Members only', 'post_name' => 'members-only', 'post_password' => 'open sesame',
      'post_date' => '2024-03-05 09:00:00', 'post_category' => [$news],
      'post_content' => 'The secret timetable: every train leaves on time.']);

post(['post_title' => 'A guest writes', 'post_name' => 'a-guest-writes', 'post_author' => $guest,
      'post_date' => '2024-03-20 18:00:00', 'post_category' => [$abroad],
      'post_content' => 'Greetings from a guest author.']);
// What a reader must not see, or only with a password; and a page in two parts.
post(['post_type' => 'page', 'post_title' => 'Staff room', 'post_name' => 'staff-room',
      'post_parent' => $about, 'post_password' => 'staff only', 'menu_order' => 4,
      'post_date' => '2024-01-03 09:00:00', 'post_content' => 'The staff secret: the kettle is in the cupboard.']);
post(['post_type' => 'page', 'post_title' => 'Handbook', 'post_name' => 'handbook', 'menu_order' => 5,
      'post_date' => '2024-01-03 10:00:00',
      'post_content' => "Chapter one: the rules.\n<!--nextpage-->\nChapter two: the exceptions."]);
post(['post_title' => 'Private notes', 'post_name' => 'private-notes', 'post_status' => 'private',
      'post_date' => '2024-03-25 10:00:00', 'post_category' => [$news],
      'post_content' => 'Nobody but the admin reads this.']);
post(['post_title' => 'Half written', 'post_name' => 'half-written', 'post_status' => 'draft',
      'post_date' => '2024-03-26 10:00:00', 'post_content' => 'A draft.']);
post(['post_title' => 'Coming soon', 'post_name' => 'coming-soon', 'post_status' => 'future',
      'post_date' => '2030-01-01 10:00:00', 'post_category' => [$news],
      'post_content' => 'Scheduled for later.']);
peer_json(['made' => true]);
