"""A real WordPress (Debian's package) on 127.0.0.1:8201, as the blog a user moves from or to.

    python3 tests/peers/wordpress_peer.py setup     # install and configure (idempotent)
    python3 tests/peers/wordpress_peer.py reset     # a fresh, empty blog (drops its database)
    python3 tests/peers/wordpress_peer.py import FILE | export FILE | dump | links
    python3 tests/peers/wordpress_peer.py make-fixture FILE   # how wordpress-peer.xml was made

Run as root (apt, Apache, MariaDB's root over TCP with no password). WordPress's importer plugin
is not packaged: it is looked for in ``HLSBLOG_WP_IMPORTER`` or IMPORTER_DIR, never in the repo.
The PHP beside this file (``wordpress/``) drives WordPress headless through its own functions.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PORT = 8201
URL = f"http://127.0.0.1:{PORT}"
CONFIG_NAME = "hlsblog-peer"  # /etc/wordpress/config-hlsblog-peer.php, chosen by Apache's SetEnv
DATABASE = "hlsblog_peer"
DB_USER, DB_PASSWORD = "hlsblog_peer", "hlsblog-peer-password"
PRETTY = "/%year%/%monthnum%/%day%/%postname%/"
PEERS = Path("/var/lib/hlsblog-peers")
IMPORTER_DIR = Path(os.environ.get("HLSBLOG_WP_IMPORTER", PEERS / "wordpress-importer"))
PHP_DIR = Path(__file__).parent / "wordpress"
PACKAGES = [
    "wordpress",
    "wordpress-theme-twentytwentyone",
    "apache2",
    "libapache2-mod-php",
    "php-mysql",
    "php-curl",
    "php-xml",
    "php-mbstring",
]

CONFIG = f"""<?php
// The WordPress that hlsblog's tests compare with (tests/peers/wordpress_peer.py writes this).
define('DB_NAME', '{DATABASE}');
define('DB_USER', '{DB_USER}');
define('DB_PASSWORD', '{DB_PASSWORD}');
define('DB_HOST', '127.0.0.1');
define('WP_HOME', '{URL}');
define('WP_SITEURL', '{URL}');
define('FS_METHOD', 'direct');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
"""

SITE = f"""# The WordPress hlsblog's tests compare with (written by tests/peers/wordpress_peer.py)
Listen 127.0.0.1:{PORT}
<VirtualHost 127.0.0.1:{PORT}>
    DocumentRoot /usr/share/wordpress
    SetEnv WORDPRESS_CONFIG {CONFIG_NAME}
    Alias /wp-content /var/lib/wordpress/wp-content
    <Directory /usr/share/wordpress>
        Options FollowSymLinks
        AllowOverride None
        Require all granted
        # What WordPress's .htaccess does: anything that is no file goes to index.php.
        FallbackResource /index.php
    </Directory>
    <Directory /var/lib/wordpress/wp-content>
        Options FollowSymLinks
        Require all granted
    </Directory>
</VirtualHost>
"""

FIXTURE_NOTE = (
    "<!-- hlsblog: a real export. Debian's WordPress 6.1 was given this content by "
    "tests/peers/wordpress/make_blog.php and wrote the rest of this file itself (export_wp): "
    "`python3 tests/peers/wordpress_peer.py make-fixture FILE` makes it again. -->"
)


def why_unavailable() -> str | None:
    """None when the peer can be used; else the reason, for a test's skip."""
    if not Path("/usr/share/wordpress/wp-load.php").exists():
        return "WordPress is not installed (run: python3 tests/peers/wordpress_peer.py setup)"
    if not shutil.which("php") or not shutil.which("mysql"):
        return "php or the mysql client is missing (run: tests/peers/wordpress_peer.py setup)"
    if not (IMPORTER_DIR / "wordpress-importer.php").exists():
        return f"WordPress's importer is not in {IMPORTER_DIR} (set HLSBLOG_WP_IMPORTER; README)"
    if not _listening(3306):
        return "MariaDB is not running on 127.0.0.1:3306"
    if not Path(f"/etc/wordpress/config-{CONFIG_NAME}.php").exists():
        return "the peer WordPress is not configured (run: tests/peers/wordpress_peer.py setup)"
    return None


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _run(*command: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs)


def _sql(statement: str) -> None:
    _run("mysql", "-h", "127.0.0.1", "-u", "root", "-e", statement)


def setup() -> None:
    """Install the packages, write WordPress's and Apache's config, start Apache; idempotent."""
    if (
        not Path("/usr/share/wordpress/wp-load.php").exists()
        or not Path("/usr/share/wordpress/wp-content/themes/twentytwentyone").exists()
    ):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        _run("apt-get", "update", "-qq", env=env)
        _run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES, env=env)
    _sql(
        f"CREATE DATABASE IF NOT EXISTS {DATABASE} CHARACTER SET utf8mb4;"
        f"CREATE USER IF NOT EXISTS '{DB_USER}'@'127.0.0.1' IDENTIFIED BY '{DB_PASSWORD}';"
        f"GRANT ALL ON {DATABASE}.* TO '{DB_USER}'@'127.0.0.1';"
    )
    Path(f"/etc/wordpress/config-{CONFIG_NAME}.php").write_text(CONFIG)
    site = Path("/etc/apache2/sites-available/hlsblog-wordpress-peer.conf")
    changed = not site.exists() or site.read_text() != SITE
    site.write_text(SITE)
    _run("a2ensite", "-q", "hlsblog-wordpress-peer")
    if not _listening(PORT):
        _run("apache2ctl", "start")
    elif changed:
        _run("apache2ctl", "graceful")


def reset(permalinks: str = PRETTY) -> dict[str, Any]:
    """A fresh blog: its database dropped and made again, WordPress installed headless."""
    _sql(f"DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4;")
    return php_json("install.php", env={"HLSBLOG_WP_PERMALINKS": permalinks})


def php(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run one of the PHP helpers beside this file; its standard output."""
    done = subprocess.run(
        ["php", str(PHP_DIR / script), *args],
        text=True,
        capture_output=True,
        env={**os.environ, "HLSBLOG_WP_IMPORTER": str(IMPORTER_DIR), **(env or {})},
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout


def php_json(script: str, *args: str, env: dict[str, str] | None = None) -> Any:
    """Run a PHP helper that prints JSON; the decoded value."""
    return json.loads(php(script, *args, env=env))


def import_wxr(path: Path | str) -> dict[str, Any]:
    """Import a WXR file with WordPress's importer, as Tools → Import does."""
    return dict(php_json("import.php", str(path)))


def export_wxr() -> str:
    """The blog as WordPress's Tools → Export writes it."""
    return php("export.php")


def set_permalinks(structure: str) -> None:
    """Switch the permalink structure ('' is plain: ``/?p=123``)."""
    php_json("permalinks.php", structure)


def dump() -> dict[str, Any]:
    """Posts, pages, terms and users as WordPress stores them."""
    return dict(php_json("dump.php"))


def links() -> list[tuple[str, str, str]]:
    """Every address WordPress gives the content under the current permalinks: (url, label, kind).

    Kinds: post, page, part (of a paginated post), term, author, date, feed, search, front.
    """
    return [(url, what, kind) for url, what, kind in php_json("links.php")]


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the one peer WordPress (tests on several xdist workers take turns)."""
    PEERS.mkdir(parents=True, exist_ok=True)
    with open(PEERS / "wordpress.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def make_fixture(path: Path) -> None:
    """Write the blog of wordpress-peer.xml into a fresh peer and export it to ``path``."""
    reset()
    php_json("make_blog.php")
    declaration, rest = export_wxr().split("\n", 1)
    path.write_text(f"{declaration}\n{FIXTURE_NOTE}\n{rest}")


def main(argv: list[str]) -> int:
    """The command line: setup, reset, import, export, dump, links, make-fixture."""
    command, *rest = argv or ["help"]
    if command == "setup":
        setup()
        print(why_unavailable() or f"WordPress is ready at {URL}")
    elif command == "reset":
        print(json.dumps(reset()))
    elif command == "import":
        print(json.dumps(import_wxr(rest[0])))
    elif command == "export":
        Path(rest[0]).write_text(export_wxr())
    elif command == "dump":
        print(json.dumps(dump(), indent=1))
    elif command == "links":
        print(json.dumps(links(), indent=1))
    elif command == "make-fixture":
        make_fixture(Path(rest[0]))
    else:
        print(__doc__)
        return command != "help"
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
