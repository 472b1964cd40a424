"""Tasks the queue's tests run: module-level, as every task must be."""

from __future__ import annotations

from hlsblog import RunAgain, TaskFailed, db, get_setting, task
from hlsblog.settings import set_setting

RAN: list[tuple[str, object]] = []


@task()
def remember_title(label: str) -> None:
    RAN.append((label, get_setting("title")))


@task(retries=2, backoff=0.2)
def fail_twice_then_work(label: str) -> None:
    RAN.append((label, "try"))
    if sum(1 for name, _ in RAN if name == label) < 3:
        raise ConnectionError("the other site is down")
    set_setting("title", label)
    db.session.commit()


@task(retries=1, backoff=0.1)
def always_fail(label: str) -> None:
    raise ConnectionError(f"{label}: nobody answers")


@task()
def refuse(label: str) -> None:
    raise TaskFailed(f"{label}: no such address")


@task()
def not_yet(label: str) -> None:
    RAN.append((label, "asked"))
    if sum(1 for name, _ in RAN if name == label) < 2:
        raise RunAgain(0.3, "the host's turn has not come")


@task()
def host_down(label: str) -> None:
    raise RunAgain(3600, f"{label}: HTTP 503; trying again in 1 h", failing=True)
