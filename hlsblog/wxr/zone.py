"""The old blog's time zone, read from its posts' dates, so addresses keep their day.

WordPress dates a post's address with its local time (``wp:post_date``); the export gives the
GMT time beside it (``wp:post_date_gmt``), so each post shows the old blog's offset from GMT on
its day. Our addresses are dated in this blog's time zone: when that was never set, the import
sets the zone the old dates fit (a fixed ``Etc/GMT-2`` for WordPress's manual offsets, else a
named zone whose daylight saving matches every date), so a post from 00:30 keeps its day. A zone
set by hand is never changed; the report says when the old dates don't fit it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

from ..extensions import db
from ..settings import all_settings, get_setting, set_setting
from .items import wp_datetime
from .reader import WxrItem

# Any zone matching every date gives the same addresses; the best known are tried first, then
# the rest by area, so a blog gets Europe/London rather than one of its older aliases.
KNOWN = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Helsinki",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
AREAS = ("Europe", "America", "Asia", "Australia", "Pacific", "Africa", "Atlantic", "Indian")


class ZoneEvidence:
    """The old blog's offsets from GMT, one sample per month and offset."""

    def __init__(self) -> None:
        self.samples: dict[tuple[int, int, int], datetime] = {}

    def observe(self, record: object) -> None:
        """Note an item's offset, when it has both its local and its GMT date."""
        if not isinstance(record, WxrItem):
            return
        local, utc = wp_datetime(record.date), wp_datetime(record.date_gmt)
        if local is not None and utc is not None:
            minutes = round((local - utc).total_seconds() / 60)
            self.samples.setdefault((utc.year, utc.month, minutes), utc)

    def fits(self, zone: ZoneInfo) -> bool:
        """Whether ``zone`` had each observed offset at its time."""
        for (_, _, minutes), utc in self.samples.items():
            offset = utc.replace(tzinfo=UTC).astimezone(zone).utcoffset()
            if offset is None or round(offset.total_seconds() / 60) != minutes:
                return False
        return True

    def zone(self) -> str | None:
        """A time zone every observed date fits, if any."""
        offsets = {minutes for (_, _, minutes) in self.samples}
        if len(offsets) == 1:
            (minutes,) = offsets
            if minutes == 0:
                return "UTC"
            if minutes % 60 == 0 and -12 <= minutes // 60 <= 14:
                return f"Etc/GMT{-minutes // 60:+d}"  # POSIX's sign: Etc/GMT-2 is UTC+2
        return next((name for name in _named_zones() if self.fits(ZoneInfo(name))), None)


def _named_zones() -> list[str]:
    names = [name for name in available_timezones() if name.split("/")[0] in AREAS]
    names.sort(key=lambda name: (AREAS.index(name.split("/")[0]), name))
    return [*KNOWN, *names]


def settle_zone(evidence: ZoneEvidence) -> list[str]:
    """Set the blog's time zone from the old dates when it was never set; the report's note."""
    if not evidence.samples:
        return []
    current = str(get_setting("timezone") or "UTC")
    try:
        if evidence.fits(ZoneInfo(current)):
            return []
    except (ValueError, KeyError):  # an unknown name stored by hand: read as UTC elsewhere
        pass
    found = evidence.zone()
    if "timezone" in all_settings() or found is None:
        return [
            f"The old blog's dates are not in this blog's time zone ({current})"
            + (f"; they fit {found}" if found else "")
            + ": posts near midnight have addresses dated a day apart from their old ones "
            "(the old links still lead to them). Settings → Time zone changes it."
        ]
    set_setting("timezone", found)
    db.session.commit()
    return [
        f"This blog's time zone is now {found}, the one the old blog's dates fit, so every "
        "address keeps the day it had (Settings → Time zone changes it)."
    ]
