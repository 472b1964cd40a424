"""Pre-2010 exports whose CDATA sections hold an unescaped ``]]>`` (WordPress ticket #15203).

WordPress before 3.1 wrapped post content, comments and meta in ``<![CDATA[…]]>`` without
escaping a ``]]>`` inside them, so a post that quoted XML made a file no XML parser reads.
WordPress's importer falls back to reading such a file with regular expressions: an element's
text runs to its closing tag, and a CDATA section wrapping all of it is unwrapped once.

``CdataRepair`` reads the same way, as a stream in front of the XML parser: where an element's
text is one CDATA section whose end (``]]></name>``) comes after earlier ``]]>``, those are
escaped as XML escapes them (``]]]]><![CDATA[>``), so the parser reads the text WordPress's
importer read. Nothing else changes, not even a line break, so any other fault is still the
parser's to find, at its own line. Memory holds one element's text at most.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

OPEN = b"<![CDATA["
END = b"]]>"
ESCAPED_END = b"]]]]><![CDATA[>"
CHUNK = 64 * 1024
# An element's text past this size is not searched for its closing tag (the file is broken).
MAX_TEXT = 64 * 1024 * 1024
_START_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>$")
_ITEM_TAG = re.compile(rb"<(/?)item[\s>]")


@dataclass(frozen=True)
class Repair:
    """One CDATA section read with the fallback: where it starts, and in which ``<item>``."""

    line: int
    item: int  # the item's number in the file (1 for the first), 0 outside every item


class CdataRepair:
    """A binary file object over ``raw``, with unescaped ``]]>`` inside CDATA escaped."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.repairs: list[Repair] = []
        self._buf = b""  # read from ``raw``; what is before ``_pos`` has been passed on
        self._pos = 0
        self._out = bytearray()
        self._recent = b""  # the end of what was passed on: the tag a section opens in
        self._raw_done = False
        self._line = 1
        self._items = 0
        self._in_item = False

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the repaired file (all of it for a negative size)."""
        while (size < 0 or len(self._out) < size) and not self._finished():
            self._step()
        size = len(self._out) if size < 0 else size
        data = bytes(self._out[:size])
        del self._out[:size]
        return data

    def _finished(self) -> bool:
        return self._raw_done and self._pos >= len(self._buf)

    def _step(self) -> None:
        start = self._buf.find(OPEN, self._pos)
        if start < 0:
            # Pass on up to the last "<": a tag or a section may be cut at the buffer's end.
            cut = len(self._buf) if self._raw_done else self._buf.rfind(b"<", self._pos)
            self._markup(self._pos, len(self._buf) if cut < 0 else cut)
            if not self._raw_done:
                self._read_more()
            return
        self._markup(self._pos, start)
        end, mended = self._section(start)
        if end is None:
            if not self._raw_done:
                self._read_more()
                return
            end = len(self._buf)  # never closed: the parser says where
        self._pass(self._buf[start:end] if mended is None else mended)
        self._pos = end

    def _read_more(self) -> None:
        data = self.raw.read(CHUNK)
        self._buf, self._pos = self._buf[self._pos :] + data, 0
        self._raw_done = not data

    def _section(self, start: int) -> tuple[int | None, bytes | None]:
        """Where the CDATA section at ``start`` ends, and its escaped form if it needs one."""
        found = _START_TAG.search(self._recent)
        closing = b"</" + found.group(1) + b">" if found else b""
        whole = self._buf.find(closing, start + len(OPEN)) if closing else -1
        waiting = len(self._buf) - start < MAX_TEXT and not self._raw_done
        if closing and whole < 0 and waiting:
            return None, None
        text = self._buf[start + len(OPEN) : whole] if whole >= 0 else b""
        if text.endswith(END) and self._unescaped(text[: -len(END)]):
            self.repairs.append(Repair(self._line, self._items if self._in_item else 0))
            return whole, OPEN + text[: -len(END)].replace(END, ESCAPED_END) + END
        end = self._buf.find(END, start + len(OPEN))
        return (None if end < 0 else end + len(END)), None

    @staticmethod
    def _unescaped(inner: bytes) -> bool:
        # No inner "]]>", one escaped the XML way, or running into the next element's end:
        # nothing to mend here.
        return END in inner and ESCAPED_END not in inner and END + b"</" not in inner

    def _markup(self, start: int, end: int) -> None:
        data = self._buf[start:end]
        for tag in _ITEM_TAG.finditer(data):
            closing = bool(tag.group(1))
            self._items += 0 if closing else 1
            self._in_item = not closing
        self._pass(data)
        self._pos = end

    def _pass(self, data: bytes) -> None:
        if data:
            self._line += data.count(b"\n")
            self._out += data
            self._recent = (self._recent + data)[-512:]


@contextmanager
def opened(source: str | Path | IO[bytes]) -> Iterator[IO[bytes]]:
    """``source`` as a binary file: a path is opened (and closed after), a file is lent as is."""
    if isinstance(source, str | Path):
        with open(source, "rb") as raw:
            yield raw
    else:
        yield source
