"""The person's export on paper: every section, in Vietnamese, with the vendored font.

The citizen's document, so always Vietnamese (like the handover minutes), in the layout
of Decree 30/2020/NĐ-CP: the issuing body and the national motto at the top, place and
date, the title, the content, the rights of the data subject, the signature block.
WeasyPrint renders the HTML template with Be Vietnam Pro (complete Vietnamese glyphs).
"""

from __future__ import annotations

from django.utils import timezone, translation

from digiward.core.documents import date_words, in_sentence, place_name, render_pdf
from digiward.registry.privacy.services import CITIZEN_LANGUAGE, PersonExport


def person_pdf(export: PersonExport) -> bytes:
    commune = export.commune
    generated = timezone.localtime(export.generated_at)
    context = {
        "export": export,
        "commune_upper": commune.name.upper(),
        "commune_name": in_sentence(commune.name),
        "place_date": f"{place_name(commune.name)}, {date_words(generated.date())}",
        "generated": generated,
    }
    with translation.override(CITIZEN_LANGUAGE):
        return render_pdf("registry/privacy/person_pdf.html", context)
