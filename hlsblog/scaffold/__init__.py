"""``flask --app app plugins new NAME``: a third-party plugin package that installs and runs.

The files are ``string.Template`` texts beside this module (package data), filled in with the
plugin's names: a pyproject with the ``hlsblog.plugins`` entry point, a package with one
documented hookimpl, a README, and a test that uses the fixtures of ``hlsblog.testing``.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from string import Template

import click

# A Python identifier that is also a clean distribution name once "_" becomes "-".
NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*\Z")
# Template file -> where it goes in the new package ({package}, {name} filled in).
FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "plugin_init.py.tmpl": "{package}/__init__.py",
    "conftest.py.tmpl": "tests/conftest.py",
    "test_plugin.py.tmpl": "tests/test_{name}.py",
}


def names(name: str) -> dict[str, str]:
    """The spellings of a plugin's name that the templates use."""
    from hlsblog import __version__

    return {
        "name": name,
        "package": f"hlsblog_{name}",
        "dist": f"hlsblog-{name.replace('_', '-')}",
        "title": name.replace("_", " ").title(),
        "css": f"{name.replace('_', '-')}-plugin",
        "hlsblog_version": __version__,
    }


def write_plugin(name: str, parent: Path) -> Path:
    """Write plugin ``name``'s package into ``parent/name``; never over an existing folder."""
    if not NAME.match(name):
        raise ValueError(
            f"{name!r} can't name a plugin: use lower-case letters and digits, words joined "
            "by single underscores, starting with a letter (e.g. hello_world)."
        )
    folder = parent / name
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ValueError(f"{folder} already exists and is not empty; nothing was written.")
    values = names(name)
    for template, target in FILES.items():
        path = folder / target.format(**values)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = files(__name__).joinpath(template).read_text(encoding="utf-8")
        path.write_text(Template(text).substitute(values), encoding="utf-8")
    return folder


@click.command("new")
@click.argument("name")
@click.option(
    "--dir",
    "parent",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the package in, as DIR/NAME.",
)
def plugins_new(name: str, parent: Path) -> None:
    """Write a new plugin package NAME: pip install -e it, and it is on."""
    try:
        folder = write_plugin(name, parent)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote the plugin {name} in {folder}.")
    click.echo(f"Next: pip install -e {folder}, then run its tests with pytest {folder}.")
