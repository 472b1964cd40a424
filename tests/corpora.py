"""Where the tests' material lives: ours in ``tests/fixtures``, public corpora beside the checkout.

Our own fixtures are written for the cases the tests make, so a plain ``git clone`` runs every
test. The public corpora in ``../shared/fixtures`` (real WordPress exports, a public XSS corpus)
are an extra layer: tests of them carry the ``corpus`` mark and are skipped, with the reason,
where a clone has nothing beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

OWN = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


def public_corpus(relative: str) -> Path:
    """A file of ``../shared/fixtures``; skips the calling test, saying why, when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(
            f"public corpus ../shared/fixtures/{relative} is not beside this checkout "
            "(a user's clone has none; CI lays it there and runs `python3 dev.py test -m corpus`)"
        )
    return path
