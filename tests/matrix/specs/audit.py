"""Access specs of the audit log pages (administrators only)."""

from tests.matrix.harness import ADMINS, UrlSpec

SPECS = [
    UrlSpec("audit:events", {"GET": ADMINS}),
    UrlSpec("audit:export", {"GET": ADMINS}),
    UrlSpec("audit:verify", {"POST": ADMINS}),
]
