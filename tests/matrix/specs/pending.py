"""URL names whose access specs their owners still have to write (each says why and who).

The matrix refuses any URL that is neither specified nor listed here, and any name listed here
that no longer exists. Move a name out of this list by writing its spec in specs/<app>.py;
new URLs never go here (a new endpoint joins the matrix with its spec, in the same commit).
"""

_RECORDING = "issue 3 (recording): org-scoped situation objects, built by that app's services"

PENDING: dict[str, str] = {}
