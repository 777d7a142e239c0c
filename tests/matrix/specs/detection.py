"""Access specs of the detection aid: a public checklist; guidance edited by administrators."""

from __future__ import annotations

from tests.matrix.harness import ADMINS, EVERYONE, UrlSpec

ANSWERS = {"vulnerabilities": ["in_care"], "sign_running_away": "last_6_months"}

SPECS = [
    UrlSpec("detection:checklist", {"GET": EVERYONE, "POST": EVERYONE}, data=lambda p: ANSWERS),
    UrlSpec("detection:summary_pdf", {"POST": EVERYONE}, data=lambda p: ANSWERS),
    UrlSpec("detection:services", {"GET": EVERYONE}),
    UrlSpec("detection:guidance_list", {"GET": ADMINS}),
    UrlSpec(
        "detection:guidance_edit",
        {"GET": ADMINS, "POST": ADMINS},
        kwargs=lambda p: {"key": "low", "language": "fr"},
        data=lambda p: {"body": "Parlez-en à votre équipe."},
    ),
]
