"""Access specs of network administration (administrators only)."""

from tests.matrix.harness import ADMINS, UrlSpec

SPECS = [
    UrlSpec("network:organisations", {"GET": ADMINS}),
    UrlSpec("network:organisation_create", {"GET": ADMINS, "POST": ADMINS}),
    UrlSpec(
        "network:organisation_edit",
        {"GET": ADMINS, "POST": ADMINS},
        kwargs=lambda p: {"pk": p.org_a.pk},
    ),
    UrlSpec(
        "network:steward_invite",
        {"GET": ADMINS, "POST": ADMINS},
        kwargs=lambda p: {"pk": p.org_a.pk},
        data=lambda p: {"email": "new.steward@example.org"},
    ),
    UrlSpec("network:users", {"GET": ADMINS}),
    UrlSpec(
        "network:user_platform_role",
        {"POST": ADMINS},
        kwargs=lambda p: {"pk": p.loner.pk},
        data=lambda p: {"role": "editor"},
    ),
]
