"""What an import did: per kind, how many were imported, updated, skipped or failed, and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

KINDS = (
    "authors",
    "categories",
    "tags",
    "posts",
    "pages",
    "attachments",
    "files",
    "comments",
    "other",
)
OUTCOMES = ("imported", "updated", "skipped", "failed")


@dataclass
class ImportReport:
    """Counts per kind and outcome, with the reason for each skip (grouped) and failure."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str, reason: str = "") -> None:
        """Note one record of ``kind`` with ``outcome``; a skip or failure gives its reason."""
        self.counts.setdefault(kind, Counter())[outcome] += 1
        if outcome == "skipped" and reason:
            self.skipped[(kind, reason)] += 1
        elif outcome == "failed":
            self.failures.append(reason)

    def get(self, kind: str, outcome: str) -> int:
        """How many records of ``kind`` had ``outcome``."""
        return self.counts.get(kind, Counter())[outcome]

    def as_dict(self) -> dict[str, dict[str, int]]:
        """``{kind: {outcome: n}}`` for every kind seen, with zeros filled in."""
        return {
            kind: {outcome: self.get(kind, outcome) for outcome in OUTCOMES}
            for kind in KINDS
            if kind in self.counts
        }

    def lines(self) -> list[str]:
        """The report as text, one line per kind, then skips, failures and notes."""
        out = []
        for kind, outcomes in self.as_dict().items():
            parts = [f"{n} {outcome}" for outcome, n in outcomes.items() if n]
            out.append(f"{kind}: {', '.join(parts)}")
        for (kind, reason), n in sorted(self.skipped.items()):
            out.append(f"skipped {n} {kind}: {reason}")
        out.extend(f"FAILED {failure}" for failure in self.failures)
        out.extend(self.notes)
        return out
