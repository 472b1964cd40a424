"""Hooks called through pluggy, with every plugin's implementations guarded, and hook tracing.

pluggy does the calling: ``firstresult`` specs stop at the first answer, ``tryfirst``/``trylast``
and the plugin order decide who goes first, and wrappers (new-style ``wrapper=True``, old-style
``hookwrapper=True``) wrap the others as pluggy documents. What we add is isolation: each plugin
is registered as a ``GuardedPlugin``, whose implementations report an exception with the
plugin's name and then count as "no answer", so the other plugins still run and the page renders.
"""

from __future__ import annotations

import functools
import inspect
import logging
import reprlib
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextvars import ContextVar
from types import ModuleType
from typing import Any

import pluggy

Report = Callable[[str, str, BaseException], None]  # plugin, hook, what it raised
Answers = list[tuple[str, Any]]

trace_log = logging.getLogger("hlsblog.hooks")
# The plain answers of the hook call in progress (per thread and task), by plugin.
_answers: ContextVar[Answers | None] = ContextVar("hlsblog_hook_answers", default=None)


class GuardedPlugin:
    """A plugin module as pluggy sees it: the same hookimpls, each one guarded."""

    def __init__(self, name: str, module: ModuleType, report: Report) -> None:
        self.plugin_name = name
        for attr, value in vars(module).items():
            # Only functions are asked for a marker: a proxy (flask.request) would raise.
            opts = getattr(value, "hlsblog_impl", None) if inspect.isfunction(value) else None
            if isinstance(opts, dict):
                fail = functools.partial(report, name, opts.get("specname") or attr)
                setattr(self, attr, _guard(value, opts, name, fail))

    def __repr__(self) -> str:
        return f"<hlsblog plugin {self.plugin_name}>"


def _guard(fn: Callable[..., Any], opts: dict[str, Any], plugin: str, fail: Any) -> Any:
    """``fn`` wrapped to report and swallow its own failure; pluggy still sees its signature."""
    wrapper = opts.get("wrapper") or opts.get("hookwrapper")
    if wrapper and not inspect.isgeneratorfunction(fn):
        return fn  # pluggy refuses it at registration, with a message saying why
    if opts.get("hookwrapper"):
        guarded = _old_style(fn, fail)
    elif wrapper:
        guarded = _new_style(fn, fail)
    else:
        guarded = _plain(fn, plugin, fail)
    return functools.wraps(fn)(guarded)


def _plain(fn: Callable[..., Any], plugin: str, fail: Any) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:  # one plugin's bug never takes the page down
            fail(exc)
            return None
        answers = _answers.get()
        if answers is not None and value is not None:
            answers.append((plugin, value))
        return value

    return call


def _start(fn: Callable[..., Any], fail: Any, args: Any, kwargs: Any) -> Any:
    """Run a wrapper's code up to its yield; ``None`` when that failed (and was reported)."""
    try:
        inner = fn(*args, **kwargs)
        next(inner)
    except Exception as exc:  # StopIteration too: it never yielded
        fail(exc)
        return None
    return inner


def _new_style(fn: Callable[..., Any], fail: Any) -> Callable[..., Any]:
    def wrap(*args: Any, **kwargs: Any) -> Generator[None, Any, Any]:
        inner = _start(fn, fail, args, kwargs)
        if inner is None:
            return (yield)  # stand aside: the others' outcome passes through
        try:
            result = yield
        except Exception as exc:
            return _resume(inner, fail, None, exc)
        return _resume(inner, fail, result, None)

    return wrap


def _resume(inner: Generator[None, Any, Any], fail: Any, result: Any, error: Any) -> Any:
    """Finish a new-style wrapper; if its own code fails, keep the others' outcome."""
    try:
        inner.throw(error) if error is not None else inner.send(result)
    except StopIteration as stop:
        return stop.value
    except Exception as exc:
        if exc is not error:
            fail(exc)
    else:
        inner.close()
        fail(RuntimeError("the wrapper yielded more than once"))
    if error is not None:
        raise error
    return result


def _old_style(fn: Callable[..., Any], fail: Any) -> Callable[..., Any]:
    def wrap(*args: Any, **kwargs: Any) -> Generator[None, Any, None]:
        inner = _start(fn, fail, args, kwargs)
        outcome = yield  # pluggy's Result; the plugin may force another result on it
        if inner is None:
            return
        try:
            inner.send(outcome)
        except StopIteration:
            return
        except Exception as exc:
            fail(exc)
            return
        inner.close()
        fail(RuntimeError("the hookwrapper yielded more than once"))

    return wrap


def hook_caller(pm: pluggy.PluginManager, name: str) -> pluggy.HookCaller | None:
    """The hook called ``name``, or ``None`` when no spec and no plugin names it."""
    return getattr(pm.hook, name, None)


def is_firstresult(hook: pluggy.HookCaller) -> bool:
    """Whether pluggy stops ``hook`` at the first answer that is not ``None``."""
    return bool(hook.spec is not None and hook.spec.opts.get("firstresult"))


def call_attributed(hook: pluggy.HookCaller, kwargs: dict[str, Any]) -> Answers:
    """Call ``hook`` through pluggy; each answer with the plugin that gave it, in call order."""
    answers: Answers = []
    token = _answers.set(answers)
    try:
        outcome = hook(**kwargs)
    finally:
        _answers.reset(token)
    if is_firstresult(hook):
        outcome = [] if outcome is None else [outcome]
    return _attribute(outcome, answers, hook)


def _attribute(values: list[Any], answers: Answers, hook: pluggy.HookCaller) -> Answers:
    """Match pluggy's result to the plain answers; what a wrapper put in is the wrappers'."""
    pool = list(answers)
    wrappers = ", ".join(impl.plugin_name for impl in hook.get_hookimpls() if _wraps(impl))
    found = []
    for value in values:
        at = next((i for i, (_, answer) in enumerate(pool) if answer is value), None)
        found.append((pool.pop(at)[0] if at is not None else wrappers, value))
    return found


def filter_steps(pm: pluggy.PluginManager, hook: pluggy.HookCaller) -> Iterator[Any]:
    """One caller per plugin, in pluggy's call order, for folding a value through a filter.

    pluggy gives every implementation the same arguments; a filter hands each one the previous
    one's result, so each step calls one plugin's implementation (and every wrapper of the hook).
    """
    plain = [impl.plugin for impl in reversed(hook.get_hookimpls()) if not _wraps(impl)]
    for plugin in dict.fromkeys(plain):
        yield pm.subset_hook_caller(hook.name, [other for other in plain if other is not plugin])


def _wraps(impl: pluggy.HookImpl) -> bool:
    return bool(impl.wrapper or impl.hookwrapper)


def trace_calls(pm: pluggy.PluginManager) -> None:
    """Log every hook call: its arguments' names, the plugins it reaches in order, its outcome."""

    def before(name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
        """Nothing before: one line per call, written when it ends."""

    def after(outcome: Any, name: str, impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
        callees = [impl.plugin_name + (" (wrapper)" if _wraps(impl) else "") for impl in impls]
        trace_log.info(
            "hook %s(%s) called %s -> %s",
            name,
            ", ".join(kwargs),
            ", ".join(reversed(callees)) or "no plugin",
            _outcome(outcome),
        )

    pm.add_hookcall_monitoring(before, after)


_short = reprlib.Repr()
_short.maxstring = _short.maxother = 80


def _outcome(outcome: pluggy.Result[Any]) -> str:
    if outcome.exception is not None:
        return f"raised {outcome.exception!r}"
    return _short.repr(outcome.get_result())


def show_trace() -> None:
    """Let the trace reach stderr, unless logging is already set up to catch it."""
    trace_log.setLevel(logging.INFO)
    if not trace_log.hasHandlers():
        trace_log.addHandler(logging.StreamHandler())
        trace_log.propagate = False  # Flask may add its own handler above us later
