"""Server-side access rules: who may call a view, and which objects they may see.

Views are wrapped with one of the decorators below; anonymous people are sent to the login page,
people without a verified second factor to the MFA step (when MFA is required), and people
without the role get 403, which is also written to the audit log. Objects of another organisation
are fetched through scoped managers, so they answer 404, never 403 (nothing is guessable).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django_otp import user_has_device

from balise.accounts.models import OrgRole, PlatformRole, User

# HttpResponseBase, so that streaming views (CSV exports) can be wrapped too.
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def request_user(request: HttpRequest) -> User:
    """The signed-in person of ``request``, typed: views call it behind the decorators below,
    which already sent anyone else away (refused here too, should a view forget one)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("signed-in people only")
    return user


def mfa_satisfied(request: HttpRequest) -> bool:
    """The session passed the second factor, or none is due.

    Where MFA is optional (the demo), a person who enrolled a factor is still asked for it on
    every page: otherwise browsing past the code page would skip it.
    """
    is_verified = getattr(request.user, "is_verified", None)
    if is_verified and is_verified():
        return True
    if settings.REQUIRE_MFA:
        return False
    return not user_has_device(request.user, confirmed=True)


def _deny(request: HttpRequest, reason: str) -> None:
    from balise.audit.services import record_event

    record_event(
        "authz.denied",
        request=request,
        object_type="url",
        object_id=(request.resolver_match.view_name if request.resolver_match else "")[:64],
        details={"reason": reason, "method": request.method or ""},
    )
    raise PermissionDenied(reason)


def deny(request: HttpRequest, reason: str) -> None:
    """Refuse with 403 and the ``authz.denied`` audit event, for checks a decorator cannot make."""
    _deny(request, reason)


def _gate(request: HttpRequest, check: Callable[[User], bool], reason: str) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not mfa_satisfied(request):
        return redirect("accounts:mfa_verify")
    if not check(request.user):
        _deny(request, reason)
    return None


def member_required(view: View) -> View:
    """Signed in (with MFA where required); any role."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return _gate(request, lambda user: True, "") or view(request, *args, **kwargs)

    return cast(View, wrapper)


def org_role_required(*roles: OrgRole) -> Callable[[View], View]:
    """A member of an organisation with one of ``roles`` (a steward may do what a recorder does)."""
    allowed = set(roles)
    if OrgRole.RECORDER in allowed:
        allowed.add(OrgRole.STEWARD)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            def check(user: User) -> bool:
                return user.organisation_id is not None and user.org_role in allowed

            return _gate(request, check, "organisation role") or view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorator


def platform_role_required(*roles: PlatformRole) -> Callable[[View], View]:
    allowed = set(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            def check(user: User) -> bool:
                return user.platform_role in allowed

            return _gate(request, check, "platform role") or view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorator
