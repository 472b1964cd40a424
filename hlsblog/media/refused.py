"""The one error an upload can end in, with the HTTP status that says why."""

from __future__ import annotations


class UploadRefused(Exception):
    """An upload the blog will not keep: too big (413), a type it does not take (415), broken (400).

    ``message`` is written for the blogger and names the file; nothing of it was stored.
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
