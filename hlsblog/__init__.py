"""hlsblog: a small, fast, safe blog engine; everything beyond posts and comments is a plugin."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, request, send_from_directory

from . import api
from .api import *  # noqa: F403  (the plugin API: ``from hlsblog import Post`` works too)
from .config import load_config
from .extensions import csrf, db, login_manager, migrate
from .numbers import DatabaseIntConverter
from .plugins import PluginHost, PluginTemplateLoader, current_host
from .settings import get_setting
from .site_address import BlogApp
from .themes import ThemeLoader, theme_folders

__version__ = "0.1.0"
# What a plugin may import from here: the app factory and the plugin API (hlsblog/api.py).
__all__ = ["create_app", *api.__all__]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the blog: configuration, extensions, plugins, blueprints, commands."""
    app = BlogApp(
        __name__,
        instance_relative_config=True,
        instance_path=(test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("HLSBLOG_INSTANCE_PATH")
        or str(PROJECT_ROOT / "instance"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    # Before any rule: every <int:…>, the core's and each plugin's, holds what a column can.
    app.url_map.converters["int"] = DatabaseIntConverter
    load_config(app, test_config)
    _init_extensions(app)
    host = PluginHost(app)
    app.extensions["hlsblog.plugins"] = host
    app.jinja_loader = PluginTemplateLoader(  # type: ignore[assignment]
        lambda: host, ThemeLoader(theme_folders(app))
    )
    _register_core(app)
    _register_plugins(app, host)
    return app


def _init_extensions(app: Flask) -> None:
    from . import database, generation, search_index, term_dates  # noqa: F401  (database: pragmas)

    db.init_app(app)
    search_index.register()
    generation.init_app(app)
    term_dates.init_app()
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    login_manager.init_app(app)
    csrf.init_app(app)


def _register_core(app: Flask) -> None:
    from . import (
        backup,
        caching,
        cli,
        errors,
        fast_pages,
        media,
        post_context,
        ratelimit,
        request_limits,
        security,
        tasks,
        templating,
        themes,
        widgets,
    )
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .blog import bp as blog_bp
    from .crawlers import bp as crawlers_bp

    app.register_blueprint(blog_bp)
    app.register_blueprint(crawlers_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    templating.init_app(app)
    themes.init_app(app)
    widgets.init_app(app)
    post_context.init_app(app)
    caching.init_app(app)  # after the CSRF extension: its csrf_token() must win
    fast_pages.init_app(app)  # before security's ProxyFix wraps it: it sees what Flask sees
    errors.init_app(app)
    security.init_app(app)
    request_limits.init_app(app)
    ratelimit.init_app(app)
    cli.init_app(app)
    backup.init_app(app)
    media.init_app(app)
    tasks.init_app(app)
    app.before_request(_per_request)


def _register_plugins(app: Flask, host: PluginHost) -> None:
    owners: dict[str, str] = {}
    for plugin, blueprints in host.collect_all("register_blueprints"):
        for blueprint in blueprints if isinstance(blueprints, list | tuple) else [blueprints]:
            app.register_blueprint(blueprint)
            owners[blueprint.name] = plugin
    app.extensions["hlsblog.blueprint_owners"] = owners
    host.collect_all("register_commands", cli=app.cli)
    host.record_models()

    @app.route("/plugins/<plugin>/static/<path:filename>", endpoint="plugin_static")
    def plugin_static(plugin: str, filename: str) -> Any:
        info = host.infos.get(plugin)
        folder = info.folder("static") if info and host.is_enabled(plugin) else None
        if folder is None:
            abort(404)
        return send_from_directory(folder, filename, max_age=86400)


def _per_request() -> None:
    from .posts import announce_due_posts

    host = current_host()
    host.refresh(get_setting("plugins"))
    owner = host.app.extensions["hlsblog.blueprint_owners"].get(request.blueprint or "")
    if owner is not None and not host.is_enabled(owner):
        abort(404)
    g.plugin_host = host
    # The consumers' minute task (tasks/core_tasks.py) announces scheduled posts on a blog
    # nobody visits; the first request after their time does too, so a post goes out on the
    # second even with no consumer running. Each post is claimed once (announce_due_posts).
    now = time.monotonic()
    if now - host.schedule_checked_at >= host.app.config["SCHEDULE_CHECK_SECONDS"]:
        host.schedule_checked_at = now
        announce_due_posts()
