"""The theme: a folder of templates and a ``static/`` folder, chosen by ``THEME_FOLDER``.

The bundled theme is ``templates/`` beside ``app.py``. A theme folder is searched first and
the bundled one after it, so a theme holds only the templates it changes. The admin's
templates (``admin/…``) always come from the bundled folder: a blogger's copy of the theme
keeps an ``admin/`` from the day it was made, and serving it would give them a stale admin
after an upgrade (docs/admin.md promises a theme can't break the admin). Its files under
``static/`` are served at ``/theme/<file>``; templates link them with ``theme_url('file')``,
whose ``?v=`` changes with the file, so readers may keep each file for a year.
docs/themes.md is the contract.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, abort, current_app, send_from_directory, url_for
from jinja2 import BaseLoader, Environment, FileSystemLoader

DEFAULT_THEME = Path(__file__).resolve().parent.parent / "templates"
YEAR = 365 * 24 * 3600


def _chosen(app: Flask) -> Path:
    # "~/my-theme" in instance/config.py reaches us unexpanded (only a shell expands it).
    return Path(app.config.get("THEME_FOLDER") or DEFAULT_THEME).expanduser().resolve()


def theme_folders(app: Flask) -> list[str]:
    """Where templates are looked for: the configured theme, then the bundled one."""
    chosen = _chosen(app)
    return [str(chosen)] if chosen == DEFAULT_THEME else [str(chosen), str(DEFAULT_THEME)]


BUNDLED_ONLY = ("admin/",)  # templates a theme folder can't replace


class ThemeLoader(BaseLoader):
    """The theme's templates, then the bundled ones; the admin's only from the bundled folder."""

    def __init__(self, folders: list[str]) -> None:
        self.chain = FileSystemLoader(folders)
        self.bundled = FileSystemLoader(str(DEFAULT_THEME))

    def get_source(self, environment: Environment, template: str) -> Any:
        loader = self.bundled if template.startswith(BUNDLED_ONLY) else self.chain
        return loader.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self.chain.list_templates()


def _static_folder(filename: str) -> Path | None:
    """The first theme folder whose ``static/`` holds ``filename``."""
    for folder in theme_folders(current_app):
        static = Path(folder) / "static"
        if (static / filename).is_file():
            return static
    return None


@lru_cache(maxsize=256)
def _version(path: str, mtime: float) -> str:
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=4).hexdigest()


def theme_url(filename: str) -> str:
    """The address of a theme's static file, versioned by its content."""
    folder = _static_folder(filename)
    if folder is None:
        return url_for("theme_static", filename=filename)
    path = folder / filename
    version = _version(str(path), path.stat().st_mtime)
    return url_for("theme_static", filename=filename, v=version)


def init_app(app: Flask) -> None:
    """Serve the theme's static files and give templates ``theme_url``."""
    chosen = _chosen(app)
    if not chosen.is_dir():
        # The bundled templates still serve every page, so a typo would go unnoticed.
        app.logger.warning(
            "THEME_FOLDER %s is not a folder: the bundled theme is used instead", chosen
        )

    @app.route("/theme/<path:filename>", endpoint="theme_static")
    def theme_static(filename: str) -> Any:
        folder = _static_folder(filename)
        if folder is None:
            abort(404)
        return send_from_directory(folder, filename, max_age=YEAR)

    app.jinja_env.globals["theme_url"] = theme_url
