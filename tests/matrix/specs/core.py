"""Access specs of the core pages and Django's language switch."""

from tests.matrix.harness import EVERYONE, METHODS, UrlSpec

SPECS = [
    UrlSpec("core:home", {"GET": EVERYONE}),
    UrlSpec("healthz", {"GET": EVERYONE}),
    # Django's set_language answers every method (it only sets the cookie on POST).
    UrlSpec("set_language", dict.fromkeys(METHODS, EVERYONE)),
]
