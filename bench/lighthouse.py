"""Lighthouse's four scores for the demo blog's pages, with the mobile and the desktop preset.

    .venv/bin/python bench/lighthouse.py [--markdown] [--only "front page,editor"] [--runs 3]

Builds the demo blog (bench/demo_blog.py), serves it with gunicorn on 127.0.0.1, logs in as
its admin for the admin pages, runs npm's Lighthouse (installed the first time into a cache
folder outside the clone, ``HLSBLOG_NPM_CACHE`` or ``~/.cache/hlsblog-npm``) against Debian's
Chromium (``CHROME_PATH``, default /usr/bin/chromium), and prints a table of the scores.
Below it, every audit that kept a score under 100, by page. About 30 s a run, 14 runs; with
``--runs N`` each page and preset is the run of median performance of N, as Lighthouse's authors
advise, since a busy machine's stray long task costs points that the page did not.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.demo_blog import DemoBlog, demo_blog  # noqa: E402

# Lighthouse 13 wants Node 22; Debian's Node is 20.
LIGHTHOUSE_VERSION = "12.2.3"
NPM_CACHE = Path(os.environ.get("HLSBLOG_NPM_CACHE", Path.home() / ".cache" / "hlsblog-npm"))
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --no-first-run --disable-sync "
    "--disable-background-networking --disable-component-update"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PRESETS = ["mobile", "desktop"]


@dataclass
class Run:
    """One page under one preset: its scores and the audits that cost points."""

    page: str
    preset: str
    scores: dict[str, int] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)


def lighthouse() -> Path:
    """Lighthouse's command, installed into the cache folder if it isn't there yet."""
    command = NPM_CACHE / "node_modules" / ".bin" / "lighthouse"
    if not command.exists():
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        print(f"installing lighthouse {LIGHTHOUSE_VERSION} into {NPM_CACHE}", file=sys.stderr)
        subprocess.run(  # noqa: S603
            ["npm", "install", "--prefix", str(NPM_CACHE), "--no-audit", "--no-fund", "-E"]  # noqa: S607
            + [f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True,
        )
    return command


def pages(blog: DemoBlog) -> dict[str, tuple[str, bool]]:
    """The pages to score: name -> (path, whether the admin must be logged in)."""
    return {
        "front page": ("/", False),
        "post with comments": (blog.thread_post, False),
        "archive": ("/category/guides/", False),
        "search": ("/search?q=blog", False),
        "login": ("/login", False),
        "editor": (f"/admin/posts/{blog.thread_post_id}/", True),
        "posts list": ("/admin/posts/", True),
    }


def score(command: Path, url: str, preset: str, cookie: str | None) -> Run:
    """One Lighthouse run; its four scores out of 100 and what lost points."""
    args = [str(command), url, "--output=json", "--output-path=stdout", "--quiet"]
    args += [f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}"]
    if preset == "desktop":
        args.append("--preset=desktop")
    if cookie:
        args.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    result = subprocess.run(  # noqa: S603
        args, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROME}
    )
    if result.returncode:
        raise RuntimeError(f"lighthouse failed on {url}: {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    run = Run(url, preset)
    for name in CATEGORIES:
        category = report["categories"][name]
        run.scores[name] = round((category["score"] or 0) * 100)
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                run.lost.append(f"{name}: {ref['id']} ({audit['title']})")
    return run


def table(runs: list[Run], markdown: bool) -> str:
    """The scores, one line a page and preset."""
    head = ["page", "preset", "performance", "accessibility", "best practices", "SEO"]
    rows = [[r.page, r.preset, *(str(r.scores[c]) for c in CATEGORIES)] for r in runs]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in [head, *rows]
    )


def main(argv: list[str] | None = None) -> int:
    """Serve the demo blog, score its pages, print the table; exit 1 if any score is under 100."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--only", help="comma-separated page names (default: all)")
    parser.add_argument("--details", action="store_true", help="list every audit under 100")
    parser.add_argument("--runs", type=int, default=1, help="runs a page, the median kept")
    args = parser.parse_args(argv)
    command = lighthouse()
    runs = []
    with demo_blog() as blog:
        cookie = blog.login_cookie()
        for name, (path, logged_in) in pages(blog).items():
            if args.only and name not in args.only.split(","):
                continue
            for preset in PRESETS:
                tries = [
                    score(command, blog.url + path, preset, cookie if logged_in else None)
                    for _ in range(max(1, args.runs))
                ]
                run = sorted(tries, key=lambda r: r.scores["performance"])[len(tries) // 2]
                run.page = name
                runs.append(run)
                print(f"{name} ({preset}): {run.scores}", file=sys.stderr, flush=True)
    print(table(runs, args.markdown))
    short = [r for r in runs if min(r.scores.values()) < 100 or args.details and r.lost]
    for run in short:
        print(f"\n{run.page} ({run.preset}):\n  " + "\n  ".join(run.lost or ["(nothing named)"]))
    return 1 if any(min(r.scores.values()) < 100 for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
