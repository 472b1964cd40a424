"""Times in the blog's time zone, formatted with WordPress's (PHP's) date letters."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .settings import get_setting


def blog_zone() -> ZoneInfo:
    """The blog's time zone setting; UTC when the name is unknown."""
    try:
        return ZoneInfo(str(get_setting("timezone") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local(dt: datetime) -> datetime:
    """A stored (naive UTC) time in the blog's zone."""
    return dt.replace(tzinfo=UTC).astimezone(blog_zone())


def to_utc(local_dt: datetime) -> datetime:
    """A naive time typed in the blog's zone, as stored (naive UTC)."""
    return local_dt.replace(tzinfo=blog_zone()).astimezone(UTC).replace(tzinfo=None)


def _suffix(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


_LETTERS = {
    "d": lambda t: f"{t.day:02d}",
    "D": lambda t: t.strftime("%a"),
    "j": lambda t: str(t.day),
    "l": lambda t: t.strftime("%A"),
    "N": lambda t: str(t.isoweekday()),
    "S": lambda t: _suffix(t.day),
    "w": lambda t: str(t.isoweekday() % 7),
    "z": lambda t: str(t.timetuple().tm_yday - 1),
    "W": lambda t: f"{t.isocalendar()[1]:02d}",
    "F": lambda t: t.strftime("%B"),
    "m": lambda t: f"{t.month:02d}",
    "M": lambda t: t.strftime("%b"),
    "n": lambda t: str(t.month),
    "Y": lambda t: str(t.year),
    "y": lambda t: f"{t.year % 100:02d}",
    "a": lambda t: "am" if t.hour < 12 else "pm",
    "A": lambda t: "AM" if t.hour < 12 else "PM",
    "g": lambda t: str(t.hour % 12 or 12),
    "G": lambda t: str(t.hour),
    "h": lambda t: f"{t.hour % 12 or 12:02d}",
    "H": lambda t: f"{t.hour:02d}",
    "i": lambda t: f"{t.minute:02d}",
    "s": lambda t: f"{t.second:02d}",
    "e": lambda t: str(t.tzinfo),
    "T": lambda t: t.strftime("%Z"),
    "P": lambda t: t.strftime("%z")[:3] + ":" + t.strftime("%z")[3:],
    "O": lambda t: t.strftime("%z"),
    "c": lambda t: t.isoformat(timespec="seconds"),
    "r": lambda t: t.strftime("%a, %d %b %Y %H:%M:%S %z"),
    "U": lambda t: str(int(t.timestamp())),
}


def php_format(dt: datetime, fmt: str) -> str:
    """Format like PHP's ``date()``: ``F j, Y`` gives "April 29, 2008"; ``\\`` escapes."""
    out, escaped = [], False
    for char in fmt:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _LETTERS:
            out.append(_LETTERS[char](dt))
        else:
            out.append(char)
    return "".join(out)


def format_date(dt: datetime | None) -> str:
    """A stored time as the blog's date format shows it."""
    return php_format(local(dt), str(get_setting("date_format"))) if dt else ""


def format_time(dt: datetime | None) -> str:
    """A stored time as the blog's time format shows it."""
    return php_format(local(dt), str(get_setting("time_format"))) if dt else ""
