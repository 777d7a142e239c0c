"""The team: a public page per language, and its upkeep by editors and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import platform_role_required, request_user
from balise.accounts.models import PlatformRole
from balise.reports.forms import PhotoForm, TeamMemberForm
from balise.reports.models import TeamMember
from balise.reports.selectors import current_team
from balise.reports.services import (
    RefusedChange,
    team_member_remove_photo,
    team_member_save,
    team_member_set_photo,
)

team_keepers = platform_role_required(PlatformRole.EDITOR, PlatformRole.ADMIN)


@require_GET
def team(request: HttpRequest) -> HttpResponse:
    members = list(current_team(timezone.localdate()))
    groups = [
        (label, [m for m in members if m.group == code]) for code, label in TeamMember.Group.choices
    ]
    return render(request, "reports/team.html", {"groups": [g for g in groups if g[1]]})


@require_GET
def team_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A current member's photo, only while their consent stands."""
    member = get_object_or_404(current_team(timezone.localdate()), pk=pk)
    if not member.has_photo:
        raise Http404
    response = HttpResponse(bytes(member.photo), content_type=member.photo_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@team_keepers
def team_manage(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    members = TeamMember.objects.order_by("group", "order", "name")
    rows = [(m, m.end_date is not None and m.end_date < today) for m in members]
    return render(request, "reports/team_manage.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@team_keepers
def team_member_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    member = get_object_or_404(TeamMember, pk=pk) if pk is not None else None
    form = TeamMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            saved = team_member_save(
                actor=request_user(request), member=member, **form.cleaned_data
            )
        except RefusedChange as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("reports:team_member_edit", pk=saved.pk)
    return render(
        request,
        "reports/team_member_edit.html",
        {"form": form, "member": member, "photo_form": PhotoForm()},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@team_keepers
def team_member_photo(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(TeamMember, pk=pk)
    actor = request_user(request)
    if request.POST.get("remove"):
        team_member_remove_photo(actor=actor, member=member)
        messages.success(request, _("Photo removed."))
        return redirect("reports:team_member_edit", pk=member.pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            team_member_set_photo(
                actor=actor, member=member, content=upload.read(MAX_READ), consent=True
            )
        except RefusedChange as exc:
            form.add_error("photo", str(exc))
        else:
            messages.success(request, _("Photo saved."))
            return redirect("reports:team_member_edit", pk=member.pk)
    return render(
        request,
        "reports/team_member_edit.html",
        {"form": TeamMemberForm(instance=member), "member": member, "photo_form": form},
        status=400,
    )


MAX_READ = 1_048_577  # one byte past the limit, so the service can refuse it
