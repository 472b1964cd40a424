"""``docs/hooks.md``, written from the hookspecs' signatures and docstrings."""

from __future__ import annotations

import inspect

from . import hookspecs


def hook_functions() -> list[tuple[str, object]]:
    """Every hookspec in definition order."""
    found = [
        (name, fn)
        for name, fn in vars(hookspecs).items()
        if inspect.isfunction(fn) and hasattr(fn, "hlsblog_spec")
    ]
    return sorted(found, key=lambda item: item[1].__code__.co_firstlineno)  # type: ignore[attr-defined]


def signature(fn: object) -> str:
    """``name(arg, arg)`` as a plugin implements it."""
    params = inspect.signature(fn).parameters  # type: ignore[arg-type]
    return f"{fn.__name__}({', '.join(params)})"  # type: ignore[attr-defined]


def hooks_markdown() -> str:
    """The whole reference as Markdown."""
    lines = [
        "# hlsblog hook reference",
        "",
        "Generated from `hlsblog/hookspecs.py` by `flask --app app hooks-doc`; do not edit.",
        "",
        inspect.cleandoc(hookspecs.__doc__ or ""),
        "",
    ]
    for _, fn in hook_functions():
        lines += [f"## `{signature(fn)}`", "", inspect.cleandoc(fn.__doc__ or ""), ""]  # type: ignore[attr-defined]
    return "\n".join(lines)
