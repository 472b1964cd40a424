#!/usr/bin/env python3
"""The README's two commands, on a machine with nothing but Python 3.11.

python3 dev.py serve   set up .venv, create the blog with demo content, serve it on :5000
python3 dev.py test    set up .venv with test tools, then ruff, mypy and the whole test suite
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command from the project root; stop with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)  # noqa: S603
    if result.returncode:
        sys.exit(result.returncode)


def setup(extras: str = "") -> None:
    """Create .venv and install hlsblog into it (editable)."""
    if sys.version_info < (3, 11):  # noqa: UP036  (this file may run on an older python3)
        sys.exit("hlsblog needs Python 3.11 or newer")
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run(*pip, "-e", f".{extras}")


def serve() -> None:
    """Set up, create or upgrade the database, add demo content, serve on 127.0.0.1:5000."""
    setup()
    flask = [BIN / "flask", "--app", "app"]
    run(*flask, "demo")
    # The task queue's consumer (pings, mail, scheduled posts) runs beside the web server, as
    # `flask --app app worker` does in production, and stops with it.
    worker = subprocess.Popen([str(a) for a in (*flask, "worker")], cwd=ROOT)  # noqa: S603
    # Stopped by a signal rather than Ctrl-C: stop both children all the same.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        run(*flask, "run", "--host", "127.0.0.1", "--port", os.environ.get("PORT", "5000"))
    except KeyboardInterrupt:  # Ctrl-C: the way to stop it, not an error
        pass
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test() -> None:
    """Set up with the test extras, then lint, type-check and run every test."""
    setup("[test]")
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    # The tests' third-party plugin is installed only while they run, so a blog served from
    # this venv afterwards doesn't find it.
    run(*pip, ROOT / "tests" / "thirdparty_plugin")
    try:
        run(BIN / "pytest", "-n", os.environ.get("HLSBLOG_TEST_WORKERS", "auto"), *sys.argv[2:])
    finally:
        subprocess.run(  # noqa: S603
            [BIN / "python", "-m", "pip", "uninstall", "--quiet", "--yes", "hlsblog-hello"],
            cwd=ROOT,
        )


if __name__ == "__main__":
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]]()
