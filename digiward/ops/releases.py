"""DigiWard's released versions: each is a commit of main that passed CI and landed.

The upgrade test (`ops/tests/test_upgrade_from_release.py`) installs each of these from
the repository's history, fills its database, and upgrades it to the code of today with
no stop in between. A new release is added here when it is tagged (`git tag vX.Y.Z`)."""

from __future__ import annotations

from typing import NamedTuple


class Release(NamedTuple):
    version: str
    commit: str


RELEASES = (
    # Registry, public guides, donations, guidance, home support, security (issue 11),
    # the clean-up (issue 13): landed on 2026-12-04.
    Release("0.1.0", "606b1cffe655f5954775d1a9c7b570047635f592"),
    # Zalo and SMS messages (issue 16), one ward phone: landed on 2026-12-05.
    Release("0.2.0", "ad20b87014927ecb37ffbe96978cca34d9bd4232"),
)
