"""Analyst pages: dashboards, counts and overlap, linkage runs, releases (pseudonymised data only).

Nothing here reads the situations table: every figure comes from ``StatFact`` (cluster ids,
coarsened facts), so no note, reference or encoding can reach an analyst's screen.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import platform_role_required, request_user
from balise.accounts.models import PlatformRole
from balise.audit.services import record_event
from balise.core.charts import heat_map
from balise.disclosure import DEFAULT_THRESHOLD
from balise.jobs.services import job_enqueue
from balise.observatory import figures, selectors
from balise.observatory.jobs import linkage_job, release_preview_job
from balise.observatory.models import LinkageRun, Release
from balise.observatory.presentation import (
    chart,
    csv_bytes,
    dimension_label,
    release_grid,
    share,
    table_title,
    xlsx_bytes,
)
from balise.observatory.releases.common import EARLIEST_YEAR, ReleaseError
from balise.observatory.releases.dp import ledger_state
from balise.observatory.services import (
    release_approve,
    release_delete,
    release_draft,
    release_update,
    release_withdraw,
)
from balise.observatory.tables import (
    AGE_BANDS,
    GEOGRAPHIES,
    STANDARD_TABLES,
    TABLE_KEYS,
    default_categories,
)

analyst_required = platform_role_required(PlatformRole.ANALYST)


class FilterForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), required=False, coerce=int)
    quarter = forms.TypedChoiceField(label=gettext_lazy("Quarter"), required=False, coerce=int)
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    age_group = forms.ChoiceField(label=gettext_lazy("Age group"), required=False)
    gender = forms.ChoiceField(label=gettext_lazy("Gender"), required=False)
    citizenship_group = forms.ChoiceField(label=gettext_lazy("Citizenship"), required=False)
    unaccompanied = forms.TypedChoiceField(
        label=gettext_lazy("Unaccompanied"), required=False, coerce=lambda v: v == "1"
    )
    form = forms.ChoiceField(label=gettext_lazy("Form of exploitation"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = ("", _("All"))
        for name, field in self.fields.items():
            field.choices = [every, *selectors.choices(name)]  # type: ignore[attr-defined]  # choice fields

    def filters(self) -> selectors.Filters:
        if not self.is_bound or not self.is_valid():
            return selectors.Filters()
        data = dict(self.cleaned_data)
        form = str(data.pop("form") or "")
        if self.data.get("unaccompanied", "") == "":
            data["unaccompanied"] = None
        return selectors.Filters(values=data, form=form)


def _filters(request: HttpRequest) -> tuple[FilterForm, selectors.Filters]:
    form = FilterForm(request.GET or None)
    return form, form.filters()


#: Dashboard sections, in reading order: (anchor, title, breakdowns).
DASHBOARD_GROUPS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("time", gettext_lazy("Over time"), (selectors.TREND, "year")),
    (
        "who",
        gettext_lazy("Who the children are"),
        ("gender", "age_group", "citizenship_group", "unaccompanied"),
    ),
    ("where", gettext_lazy("Where they were met"), ("sector", "province", "arrondissement")),
    (
        "what",
        gettext_lazy("What happened to them"),
        ("forms", "recruitment_channels", "places", "signs", "vulnerabilities"),
    ),
)


def _section(name: str, rows: list[selectors.Row], children: int) -> dict[str, Any]:
    if name not in selectors.ORDERED:
        rows = sorted(rows, key=lambda r: (-r.children, -r.situations, r.label))
    label = selectors.label_of(name)
    return {
        "name": name,
        "label": label,
        "rows": [{"row": r, "share": share(r.children, children)} for r in rows],
        "chart": chart(str(label), [(r.label, r.children) for r in rows], total=children),
        "multi": name in selectors.MULTI,
        "yearly": name in (selectors.TREND, "year"),
    }


def _comparison(
    filters: selectors.Filters, run: LinkageRun | None, facts: int | None
) -> dict[str, Any] | None:
    """This year against the year before: the year filtered on, else the latest year."""
    years = [int(y) for y, _label in selectors.choices("year")]
    chosen = filters.values.get("year")
    year = int(chosen) if chosen else (years[-1] if years else None)
    if year is None or year - 1 not in years:
        return None
    values = {k: v for k, v in filters.values.items() if k not in ("year", "quarter")}
    this = figures.cached(
        "totals", selectors.Filters(values={**values, "year": year}, form=filters.form), run, facts
    )
    last = figures.cached(
        "totals",
        selectors.Filters(values={**values, "year": year - 1}, form=filters.form),
        run,
        facts,
    )
    labels = {
        "situations": _("Situations"),
        "children": _("Children"),
        "multi_sector_children": _("Children known to two or more sectors"),
    }
    return {
        "year": year,
        "previous": year - 1,
        "rows": [
            {
                "label": label,
                "this": this[key],
                "last": last[key],
                "change": this[key] - last[key],
                "percent": (
                    f"{round(100 * (this[key] - last[key]) / last[key]):+d}%" if last[key] else ""
                ),
            }
            for key, label in labels.items()
        ],
    }


@require_GET
@analyst_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    run = selectors.latest_run()
    removed = selectors.removed_since(run)
    facts = run.situations - removed if run is not None else None
    totals = figures.cached("totals", filters, run, facts)
    sectors, matrix = figures.cached("overlap", filters, run, facts)
    groups = []
    for anchor, title, names in DASHBOARD_GROUPS:
        sections = [
            _section(name, figures.cached(name, filters, run, facts), totals["children"])
            for name in names
        ]
        groups.append({"anchor": anchor, "title": title, "sections": sections})
    labels = [selectors.sector_label(s) for s in sectors]
    overlap_chart = heat_map(
        title=_(
            "Sector × sector: children known to both (diagonal: children known to the sector); "
            "darker cells hold more children"
        ),
        rows=labels,
        columns=labels,
        values=[[matrix.get((a, b), 0) for b in sectors] for a in sectors],
    )
    pairs = sorted(
        ((n, a, b) for (a, b), n in matrix.items() if sectors.index(a) < sectors.index(b)),
        reverse=True,
    )
    overlap_text = "; ".join(
        f"{selectors.sector_label(a)} + {selectors.sector_label(b)}: {n}" for n, a, b in pairs[:5]
    )
    return render(
        request,
        "observatory/dashboard.html",
        {
            "form": form,
            "run": run,
            "stale": selectors.is_stale(run),
            "removed": removed,
            "totals": totals,
            "groups": groups,
            "comparison": _comparison(filters, run, facts),
            "overlap_chart": overlap_chart,
            "overlap_text": overlap_text,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@analyst_required
def export(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    if (name not in selectors.BREAKDOWNS and name != "overlap") or fmt not in ("csv", "xlsx"):
        raise Http404
    _form, filters = _filters(request)
    if name == "overlap":
        sectors, matrix = selectors.overlap(filters)
        rows: list[list[Any]] = [["sector", *sectors]]
        rows += [[a, *(matrix.get((a, b), 0) for b in sectors)] for a in sectors]
    else:
        rows = [["code", "label", "situations", "children"]]
        rows += [
            [r.code, r.label, r.situations, r.children] for r in selectors.breakdown(name, filters)
        ]
    record_event(
        "observatory.exported",
        request=request,
        object_type="statistics",
        object_id=name,
        details={"format": fmt, "filters": {k: str(v) for k, v in filters.as_dict().items()}},
    )
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes([(name, rows)]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="balise-{name}-{stamp}.{fmt}"'
    return response


@require_GET
@analyst_required
def linkage(request: HttpRequest) -> HttpResponse:
    runs = LinkageRun.objects.select_related("started_by").order_by("-pk")[:20]
    latest = selectors.latest_run()
    return render(
        request,
        "observatory/linkage.html",
        {
            "runs": runs,
            "latest": latest,
            "stale": selectors.is_stale(latest),
            "removed": selectors.removed_since(latest),
        },
    )


@require_POST
@analyst_required
def linkage_start(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    job = job_enqueue(
        handler=linkage_job,
        owner=user,
        organisation_id=None,
        params={"result_url": reverse("observatory:linkage")},
    )
    record_event(
        "observatory.linkage_started", request=request, object_type="job", object_id=job.pk
    )
    return redirect("jobs:detail", pk=job.pk)


class DraftForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    period = forms.IntegerField(label=gettext_lazy("Year"), min_value=EARLIEST_YEAR)
    tables = forms.MultipleChoiceField(
        label=gettext_lazy("Tables"),
        choices=[(t.key, t.label) for t in STANDARD_TABLES],
        widget=forms.CheckboxSelectMultiple,
        initial=list(TABLE_KEYS),
    )
    geography = forms.ChoiceField(
        label=gettext_lazy("Geography"),
        choices=[
            ("region", gettext_lazy("Region")),
            ("province", gettext_lazy("Province")),
            ("arrondissement", gettext_lazy("Arrondissement")),
        ],
        initial="province",
    )
    age_bands = forms.ChoiceField(
        label=gettext_lazy("Age groups"),
        choices=[
            ("primero", gettext_lazy("0-4, 5-11, 12-17")),
            ("fine", gettext_lazy("Under 12, 12-13, 14-15, 16-17")),
        ],
        initial="primero",
    )
    categories = forms.ChoiceField(
        label=gettext_lazy("Categories"),
        choices=[
            ("grouped", gettext_lazy("Grouped: forms of exploitation by Eurostat group")),
            ("detailed", gettext_lazy("Detailed: every form of exploitation")),
        ],
        required=False,  # absent: detailed, as drafts were before categories existed
        help_text=gettext_lazy(
            "With a few hundred children a year most fine forms hold small counts: grouped "
            "categories publish more of them. The suggested choice follows the number of "
            "children of last year."
        ),
    )
    threshold = forms.IntegerField(
        label=gettext_lazy("Threshold"), min_value=3, max_value=50, initial=DEFAULT_THRESHOLD
    )
    years = forms.TypedChoiceField(
        label=gettext_lazy("Years covered (ending with the year above)"),
        choices=[
            (1, gettext_lazy("One year")),
            (2, gettext_lazy("Two years")),
            (3, gettext_lazy("Three years")),
        ],
        coerce=int,
        initial=1,
        required=False,
        help_text=gettext_lazy(
            "Several years give larger, more reliable counts when a year has few children "
            "(cell-key perturbation only)."
        ),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Protection"),
        choices=Release.Mode.choices,
        initial=Release.Mode.CELL_KEY,
        required=False,  # absent: cell-key perturbation, the default
        help_text=gettext_lazy(
            "Cell-key perturbation publishes every cell with a small, consistent noise (at most "
            "±4, never 1 or 2): the default for a few hundred children a year. Suppression "
            "publishes exact counts but withholds small ones and those that would reveal them."
        ),
    )

    def clean_categories(self) -> str:
        return str(self.cleaned_data.get("categories") or "detailed")

    def clean_mode(self) -> str:
        return str(self.cleaned_data.get("mode") or Release.Mode.CELL_KEY)

    def clean_years(self) -> int:
        return int(self.cleaned_data.get("years") or 1)

    def __init__(self, *args: Any, ledger: dict[str, float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ledger = ledger
        for table in STANDARD_TABLES:
            self.fields[f"epsilon_{table.key}"] = forms.FloatField(
                label=gettext_lazy("ε for “%(table)s” (differential privacy)")
                % {"table": table.label},
                min_value=0.01,
                max_value=10,
                initial=0.5,
                required=False,
            )

    def clean_period(self) -> int:
        period = int(self.cleaned_data["period"])
        if period > timezone.localdate().year:
            raise forms.ValidationError(_("The year cannot be in the future."))
        return period

    def epsilons(self) -> dict[str, float]:
        data = self.cleaned_data
        return {t: data[f"epsilon_{t}"] for t in data.get("tables", []) if data.get(f"epsilon_{t}")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") != Release.Mode.DP:
            return data
        for table in data.get("tables", []):
            if not data.get(f"epsilon_{table}"):
                self.add_error(
                    f"epsilon_{table}",
                    _("Give an ε for each table of a differentially private release."),
                )
        spend = sum(self.epsilons().values())
        if spend > self.ledger["remaining"] + 1e-12:
            raise forms.ValidationError(
                _(
                    "These tables would spend ε = %(spend)s but only %(left)s of the budget "
                    "%(budget)s is left."
                )
                % {
                    "spend": f"{spend:g}",
                    "left": f"{self.ledger['remaining']:g}",
                    "budget": f"{self.ledger['budget']:g}",
                }
            )
        return data


@require_GET
@analyst_required
def release_list(request: HttpRequest) -> HttpResponse:
    releases = Release.objects.select_related("drafted_by", "approved_by").order_by("-pk")
    return render(request, "observatory/release_list.html", {"releases": releases})


@require_http_methods(["GET", "POST"])
@analyst_required
def release_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    ledger = ledger_state()
    last_year = timezone.localdate().year - 1
    children = selectors.totals(selectors.Filters(values={"year": last_year}))["children"]
    form = DraftForm(
        request.POST or None,
        initial={"period": last_year, "categories": default_categories(children)},
        ledger=ledger,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assert data["geography"] in GEOGRAPHIES
        assert data["age_bands"] in AGE_BANDS
        try:
            release = release_draft(
                actor=user,
                title=data["title"],
                period=data["period"],
                tables=data["tables"],
                geography=data["geography"],
                age_bands=data["age_bands"],
                categories=data["categories"],
                threshold=data["threshold"],
                mode=data["mode"],
                epsilons=form.epsilons(),
                years=data["years"],
            )
        except ReleaseError as exc:
            form.add_error(None, _("The draft was not saved: %(reason)s") % {"reason": exc})
        else:
            return _start_preview(request, release)
    return render(request, "observatory/release_new.html", {"form": form, "ledger": ledger})


def _start_preview(request: HttpRequest, release: Release) -> HttpResponse:
    user = request_user(request)
    job = job_enqueue(
        handler=release_preview_job,
        owner=user,
        organisation_id=None,
        params={
            "release": release.pk,
            "result_url": reverse("observatory:release_detail", args=[release.pk]),
        },
    )
    return redirect("jobs:detail", pk=job.pk)


@require_GET
@analyst_required
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = get_object_or_404(Release.objects.select_related("drafted_by", "approved_by"), pk=pk)
    tables = []
    source = release.content["tables"] if release.content else release.preview.get("tables", [])
    for table in source:
        tables.append(
            {
                "name": table["name"],
                "title": table_title(table["name"]),
                "unit": table["unit"],
                "grid": release_grid(_masked(table)),
                "withheld": {
                    tuple(c[d] for d in table["dimensions"])
                    for c in table["cells"]
                    if c.get("withheld") or c.get("value") is None
                },
            }
        )
    suggestions = [
        {
            **s,
            "title": table_title(s["table"]),
            "from_label": dimension_label(s["replaced"]),
            "to_label": ", ".join(dimension_label(d) for d in s["dimensions"]),
            "apply": s.get("apply") or {},
        }
        for s in release.preview.get("suggestions", [])
    ]
    user = request_user(request)
    return render(
        request,
        "observatory/release_detail.html",
        {
            "release": release,
            "ledger": release.preview.get("ledger") if release.mode == Release.Mode.DP else None,
            "tables": tables,
            "suggestions": suggestions,
            "audit": release.audit_summary or release.preview.get("audit"),
            "perturbation": (
                (release.content or {}).get("release", {}).get("perturbation")
                or release.preview.get("perturbation")
            ),
            "public_tables": [table_title(t) for t in release.tables],
            "can_approve": (
                not release.is_published
                and bool(release.preview)
                and release.drafted_by_id != user.pk
            ),
        },
    )


def _masked(table: dict[str, Any]) -> dict[str, Any]:
    """Withheld cells of a preview shown as the public would see them (marked, no value)."""
    cells = [c | {"value": None} if c.get("withheld") else c for c in table["cells"]]
    return table | {"cells": cells}


@require_POST
@analyst_required
def release_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    release = get_object_or_404(Release, pk=pk)
    if release.is_published:
        messages.error(request, _("A published release is frozen."))
        return redirect("observatory:release_detail", pk=pk)
    return _start_preview(request, release)


@require_http_methods(["GET", "POST"])
@analyst_required
def release_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what becomes public, and a confirmation; POST with ``confirm``: publish."""
    user = request_user(request)
    release = get_object_or_404(Release, pk=pk)
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        if request.method == "POST":
            messages.error(request, _("Tick the confirmation to publish."))
        return render(
            request,
            "observatory/release_confirm.html",
            {
                "release": release,
                "public_tables": [table_title(t) for t in release.tables],
                "audit": release.preview.get("audit") or {},
                "perturbation": release.preview.get("perturbation"),
                "can_approve": (
                    not release.is_published
                    and bool(release.preview)
                    and release.drafted_by_id != user.pk
                ),
            },
        )
    try:
        release_approve(actor=user, release=release)
    except PermissionDenied:
        messages.error(request, _("The analyst who drafted a release cannot approve it."))
        return redirect("observatory:release_detail", pk=pk)
    except (ReleaseError, ValueError) as exc:
        messages.error(request, _("The release was not published: %(reason)s") % {"reason": exc})
        return redirect("observatory:release_detail", pk=pk)
    messages.success(request, _("The release is published."))
    return redirect("statistics:detail", pk=pk)


@require_POST
@analyst_required
def release_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a suggested coarser view (geography or age groups) to a draft, then preview."""
    user = request_user(request)
    release = get_object_or_404(Release, pk=pk)
    changes = {
        name: request.POST[name]
        for name in ("geography", "age_bands")
        if request.POST.get(name) in (GEOGRAPHIES if name == "geography" else AGE_BANDS)
    }
    if not changes:
        messages.error(request, _("Choose a view to apply."))
        return redirect("observatory:release_detail", pk=pk)
    try:
        release_update(actor=user, release=release, **changes)
    except ReleaseError as exc:
        messages.error(request, _("The draft was not changed: %(reason)s") % {"reason": exc})
        return redirect("observatory:release_detail", pk=pk)
    return _start_preview(request, release)


class EditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    tables = DraftForm.base_fields["tables"]
    geography = DraftForm.base_fields["geography"]
    age_bands = DraftForm.base_fields["age_bands"]
    categories = DraftForm.base_fields["categories"]
    threshold = DraftForm.base_fields["threshold"]
    years = DraftForm.base_fields["years"]

    def clean_years(self) -> int:
        return int(self.cleaned_data.get("years") or 1)

    def clean_categories(self) -> str:
        return str(self.cleaned_data.get("categories") or "detailed")


@require_http_methods(["GET", "POST"])
@analyst_required
def release_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    release = get_object_or_404(Release, pk=pk)
    if release.is_published:
        messages.error(request, _("A published release is frozen."))
        return redirect("observatory:release_detail", pk=pk)
    initial = {
        "title": release.title,
        "tables": release.tables,
        "geography": release.geography,
        "age_bands": release.age_bands,
        "categories": release.categories,
        "threshold": release.threshold,
        "years": release.years,
    }
    form = EditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial[k]}
        if release.mode == Release.Mode.DP:
            changes.pop("threshold", None)
        try:
            if changes:
                release_update(actor=user, release=release, **changes)
        except ReleaseError as exc:
            form.add_error(None, _("The draft was not changed: %(reason)s") % {"reason": exc})
        else:
            return _start_preview(request, release)
    return render(request, "observatory/release_edit.html", {"form": form, "release": release})


@require_POST
@analyst_required
def release_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    release = get_object_or_404(Release, pk=pk)
    try:
        release_delete(actor=user, release=release)
    except ReleaseError:
        messages.error(request, _("A published release is frozen."))
        return redirect("observatory:release_detail", pk=pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("observatory:release_list")


@require_POST
@analyst_required
def release_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    release = get_object_or_404(Release, pk=pk)
    try:
        release_withdraw(actor=user, release=release, reason=request.POST.get("reason", ""))
    except ReleaseError as exc:
        messages.error(request, _("The release was not withdrawn: %(reason)s") % {"reason": exc})
        return redirect("observatory:release_detail", pk=pk)
    messages.success(request, _("The release is withdrawn; its public page shows the notice."))
    return redirect("statistics:detail", pk=pk)
