"""URL names whose access specs their owners still have to write (each says why and who).

The matrix refuses any URL that is neither specified nor listed here, and any name listed here
that no longer exists. Move a name out of this list by writing its spec in specs/<app>.py;
new URLs never go here (a new endpoint joins the matrix with its spec, in the same commit).
"""

_RECORDING = "issue 3 (recording): org-scoped situation objects, built by that app's services"
_IMPORT = "issue 3 (bulk import): org-scoped import batches"
_JOBS = "issue 3 (background jobs): a job belongs to the person who started it"
_API = "issue 3 (REST API): token authentication answers 401, not a sign-in redirect"

PENDING: dict[str, str] = {
    "situations_import:upload": _IMPORT,
    "situations_import:template": _IMPORT,
    "situations_import:result": _IMPORT,
    "situations_import:confirm": _IMPORT,
    "situations_import:errors_csv": _IMPORT,
    "jobs:detail": _JOBS,
    "jobs:progress": _JOBS,
    "api:openapi-json": _API,
    "api:dictionary_index": _API,
    "api:dictionary_vocabulary": _API,
    "api:situation_list": _API,
    "api:situation_create_route": _API,
    "api:situation_detail": _API,
    "api:situation_replace": _API,
    "api:situation_patch": _API,
    "api:api-root": _API,
    "api_tokens:list": _API,
    "api_tokens:revoke": _API,
    "api_tokens:docs": _API,
}
