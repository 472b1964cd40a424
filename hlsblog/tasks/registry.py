"""The kinds of background work the blog knows, each declared once with ``@task``.

A queued task names its kind and carries JSON arguments, never a function or a row: a
consumer in another process (or on another host) finds the function here by the same name,
because importing the core and the plugins declares every kind before any task runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

RETRIES = 5  # a failing task is tried this many more times, then kept as failed
BACKOFF = 30.0  # seconds before the first retry; doubled each time
LONGEST_BACKOFF = 3600.0


@dataclass(frozen=True)
class TaskKind:
    """One kind of task: its function and how it is retried or repeated."""

    name: str
    func: Callable[..., Any]
    retries: int = RETRIES
    backoff: float = BACKOFF
    every_minutes: int | None = None  # a periodic task: queued this often by the consumers
    plugin: str | None = None  # a periodic task of a plugin runs only while it is enabled

    def delay_before_retry(self, failures: int) -> float:
        """Seconds before the next try after ``failures`` failures: doubling, capped."""
        return min(self.backoff * 2 ** max(0, failures - 1), LONGEST_BACKOFF)


KINDS: dict[str, TaskKind] = {}


def kind_name(func: Callable[..., Any]) -> str:
    """The name a function's tasks are queued under: where it lives, as Python imports it."""
    return f"{func.__module__}.{func.__qualname__}"


def task(
    *,
    retries: int = RETRIES,
    backoff: float = BACKOFF,
    every_minutes: int | None = None,
    plugin: str | None = None,
) -> Callable[[F], F]:
    """Declare a module-level function as a kind of background task.

    Queue it with ``run_later(func, *args, key=...)``; arguments must be JSON (ids and
    strings: the rows they name are read afresh when the task runs). A task that raises is
    tried again ``retries`` times, ``backoff`` seconds after its first failure and doubling;
    raise ``RunAgain(seconds)`` to come back later without counting a failure, or
    ``TaskFailed(why)`` to stop at once. ``every_minutes`` makes it periodic (queued by the
    consumers, once however many run); a plugin's periodic task names its ``plugin`` so it
    rests while the plugin is off.
    """

    def declare(func: F) -> F:
        if "<locals>" in func.__qualname__:
            raise TypeError(f"{func.__qualname__}: a task must be a module-level function")
        name = kind_name(func)
        KINDS[name] = TaskKind(name, func, retries, backoff, every_minutes, plugin)
        return func

    return declare


def kind_of(func: Callable[..., Any]) -> TaskKind:
    """The declared kind of ``func``; a ``TypeError`` saying how when it was not declared."""
    found = KINDS.get(kind_name(func))
    if found is None or found.func is not func:
        raise TypeError(
            f"{kind_name(func)} is not a task: declare it with @hlsblog.task() "
            "at module level before passing it to run_later"
        )
    return found


def periodic_kinds() -> list[TaskKind]:
    """Every periodic kind, in a stable order."""
    return sorted((k for k in KINDS.values() if k.every_minutes), key=lambda k: k.name)


class RunAgain(Exception):  # noqa: N818  (it is an instruction, not an error)
    """Raised by a task: not now, try again in ``seconds`` (not counted against its retries).

    ``failing=True`` says the task is retrying after a failure of its own reckoning (a ping
    with its own retry delays): the blogger then sees it as retrying, with ``why``.
    """

    def __init__(self, seconds: float, why: str = "", failing: bool = False) -> None:
        super().__init__(why or f"again in {seconds:.0f} s")
        self.seconds = max(0.0, float(seconds))
        self.failing = failing


class TaskFailed(Exception):
    """Raised by a task: it failed for good; keep it with this message, try no more."""
