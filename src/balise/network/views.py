"""Network administration pages: organisations and platform roles (administrators only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import platform_role_required
from balise.accounts.emails import send_approval_request
from balise.accounts.models import Organisation, PlatformRole, User
from balise.network import selectors, services
from balise.network.forms import (
    OrganisationForm,
    PlatformRoleForm,
    StewardInviteForm,
    UserSearchForm,
)

USERS_PER_PAGE = 50


def _admin(request: HttpRequest) -> User:
    """The signed-in administrator (every view here is behind platform_role_required)."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - the decorator sent anonymous people away
        raise PermissionDenied
    return user


@require_GET
@platform_role_required(PlatformRole.ADMIN)
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_with_member_counts()
    return render(request, "network/organisation_list.html", {"organisations": organisations})


@require_http_methods(["GET", "POST"])
@platform_role_required(PlatformRole.ADMIN)
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=_admin(request), request=request, **form.cleaned_data
            )
        except services.NetworkError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Organisation “%(name)s” created.") % {"name": organisation.name}
            )
            return redirect("network:organisations")
    return render(request, "network/organisation_form.html", {"form": form, "organisation": None})


@require_http_methods(["GET", "POST"])
@platform_role_required(PlatformRole.ADMIN)
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    initial = {
        "name": organisation.name,
        "sector": organisation.sector,
        "region": organisation.region,
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=_admin(request),
                organisation=organisation,
                request=request,
                **form.cleaned_data,
            )
        except services.NetworkError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("network:organisations")
    return render(
        request, "network/organisation_form.html", {"form": form, "organisation": organisation}
    )


@require_http_methods(["GET", "POST"])
@platform_role_required(PlatformRole.ADMIN)
def steward_invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    form = StewardInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.steward_invite(
                actor=_admin(request),
                organisation=organisation,
                email=form.cleaned_data["email"],
                request=request,
            )
        except services.NetworkError as exc:
            form.add_error("email", str(exc))
        else:
            send_approval_request(request, issued.invitation)
            messages.success(
                request,
                _(
                    "The invitation of %(email)s as steward of %(name)s awaits the approval of "
                    "one of its stewards or of another administrator; the link is sent then."
                )
                % {"email": issued.invitation.email, "name": organisation.name},
            )
            return redirect("network:organisations")
    awaiting = organisation.invitations.filter(approved_at__isnull=True).order_by("-created_at")
    context = {
        "form": form,
        "organisation": organisation,
        "awaiting": [i for i in awaiting.select_related("invited_by") if i.is_pending],
    }
    return render(request, "network/steward_invite.html", context)


@require_GET
@platform_role_required(PlatformRole.ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    search = UserSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = Paginator(selectors.users_for_roles(query), USERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"search": search, "page": page, "role_choices": PlatformRoleForm.ROLE_CHOICES}
    return render(request, "network/user_list.html", context)


@require_POST
@platform_role_required(PlatformRole.ADMIN)
def user_platform_role(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = PlatformRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a platform role from the list."))
    else:
        try:
            services.platform_role_set(
                actor=_admin(request), user=user, role=form.cleaned_data["role"], request=request
            )
        except services.NetworkError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Platform role of %(email)s saved.") % {"email": user.email}
            )
    return redirect("network:users")
