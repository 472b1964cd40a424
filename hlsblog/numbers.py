"""Numbers a stranger sends (page numbers, ids, counts), read only when the database can hold them.

``str.isdigit()`` is true for "²" and "①", which ``int()`` refuses, and ``int()`` reads a
number no column can hold, which the database refuses with an error. Every number that comes
from a request goes through ``stranger_int`` or, in a route, the ``int`` converter here.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

# The id columns are PostgreSQL's ``integer`` (int4); SQLite's integers are wider.
DB_INT_MAX = 2**31 - 1


def stranger_int(raw: Any, low: int = 1, high: int = DB_INT_MAX) -> int | None:
    """``raw`` as a whole number from ``low`` to ``high``; ``None`` for anything else.

    Only ASCII digits count (spaces around them are dropped): "²", "٣", "-1", "1e3" and a
    number of a thousand digits are ``None``, so a caller answers "not found" or "not a
    number" instead of crashing.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    digits = text.lstrip("0") or text[:1]
    if not text.isascii() or not text.isdigit() or len(digits) > len(str(high)):
        return None
    value = int(text)
    return value if low <= value <= high else None


class DatabaseIntConverter(IntegerConverter):
    """Every ``<int:…>`` in a route: ASCII digits, at most the database's integer, else a 404.

    Registered as the app's ``int`` converter, so the core's rules and every plugin's (today's
    and tomorrow's) are bounded without each view checking.
    """

    regex = r"[0-9]+"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DB_INT_MAX)  # a rule may still ask for less: <int(max=12):m>
        super().__init__(map, *args, **kwargs)
