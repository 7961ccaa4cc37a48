"""Fill empty Vietnamese msgstrs in locale/vi/LC_MESSAGES/django.po from a Python mapping.

    python tools/po_fill.py tools/vi_batch.py   # the file defines T = {msgid: msgstr}
    (plural entries: T[msgid] = (singular, plural))

Prints the msgids that are still empty afterwards. The .po file stays the source of truth.
"""

from __future__ import annotations

import runpy
import sys

import polib

PO = "locale/vi/LC_MESSAGES/django.po"


def main() -> None:
    mapping = runpy.run_path(sys.argv[1])["T"]
    po = polib.pofile(PO, wrapwidth=0)
    for entry in po:
        if entry.obsolete or entry.msgid not in mapping:
            continue
        value = mapping[entry.msgid]
        if entry.msgid_plural:
            text = value if isinstance(value, str) else value[0]
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(PO)
    missing = [
        e.msgid for e in po if not e.obsolete and not (e.msgstr or any(e.msgstr_plural.values()))
    ]
    for msgid in missing:
        print("MISSING:", repr(msgid))
    print(f"{len(missing)} missing of {len(po)}")


if __name__ == "__main__":
    main()
