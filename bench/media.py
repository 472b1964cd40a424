"""Benchmark an uploaded image served from the media folder, 200 and 304, against the ceiling.

    .venv/bin/python bench/media.py [--database-uri URI] [--workers 2] [--markdown]

Generates a small blog (bench/run.py's), uploads a 3000x2000 photo through the media core
(so its large size, 1024 px wide, is what a post page shows), serves the blog with gunicorn
on 127.0.0.1 and loads the large image with wrk: plain (a 200 with the whole file) and with
the ETag it was given (a 304). Each row runs right after the ceiling, a bare Flask app
returning as many bytes as the image has, served the same way.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import LoadSettings, run_wrk  # noqa: E402
from bench.run import Row, generate_blog, parse_args, table  # noqa: E402
from bench.server import Gunicorn  # noqa: E402


def upload_photo(uri: str, instance: str) -> str:
    """Store a photo as a blogger's upload; the address of its large size."""
    from PIL import Image

    from hlsblog import create_app
    from hlsblog.extensions import db
    from hlsblog.media import media_url, store_upload

    image = Image.effect_mandelbrot((3000, 2000), (-2.0, -1.0, 1.0, 1.0), 100).convert("RGB")
    data = io.BytesIO()
    image.save(data, "JPEG", quality=90)
    data.seek(0)
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": instance})
    with app.app_context():
        media = store_upload(data, "bench-photo.jpg")
        url = media_url(media, "large")
        db.engine.dispose()
    return url


def _first_answer(url: str) -> tuple[str, int]:
    with urllib.request.urlopen(url) as response:  # noqa: S310  (127.0.0.1)
        return str(response.headers.get("ETag", "")), len(response.read())


def main(argv: list[str] | None = None) -> None:
    """Generate, upload, serve, load, compare, print."""
    args = parse_args(argv)
    settings = LoadSettings(connections=args.connections, seconds=args.seconds)
    started_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="hlsblog-bench-") as tmp:
        uri = args.database_uri or f"sqlite:///{tmp}/bench.sqlite3"
        generate_blog(uri, args.posts, f"{tmp}/instance")
        path = upload_photo(uri, f"{tmp}/instance")
        env = {
            "HLSBLOG_SQLALCHEMY_DATABASE_URI": uri,
            "HLSBLOG_INSTANCE_PATH": f"{tmp}/instance",
            "HLSBLOG_SECRET_KEY": "bench-secret",
        }
        with Gunicorn("hlsblog:create_app()", args.workers, env) as server:
            etag, size = _first_answer(server.url + path)
            rows = [
                Row("uploaded image (large, 200)", path),
                Row("uploaded image, If-None-Match (304)", path, {"If-None-Match": etag}),
            ]
            with Gunicorn(
                "bench.ceiling:app", args.workers, {"BENCH_CEILING_BYTES": str(size)}
            ) as bare:
                for row in rows:
                    run_wrk(
                        server.url + row.path, LoadSettings(connections=4, seconds=1), row.headers
                    )
                    row.ceiling = run_wrk(bare.url + "/", settings)
                    row.load = run_wrk(server.url + row.path, settings, headers=row.headers)
                    row.rss_mb = server.peak_rss_mb()
    backend = "PostgreSQL" if uri.startswith("postgresql") else "SQLite"
    print(
        f"\n{backend}, gunicorn {args.workers} sync workers, wrk {settings.connections} "
        f"connections x {settings.seconds} s; image {size} bytes; ceiling: bare Flask returning "
        f"{size} bytes; load average {started_load:.1f} -> {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs\n"
    )
    print(table(rows, args.markdown))


if __name__ == "__main__":
    main()
