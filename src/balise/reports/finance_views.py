"""Administrators' finance pages: years, lines, sub-categories, import, closing and reopening."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import platform_role_required, request_user
from balise.accounts.models import PlatformRole
from balise.core.charts import grouped_bar_chart, line_chart
from balise.core.tabular import ImportRefused
from balise.reports.finances import category_label
from balise.reports.forms import ImportForm, LineForm, ReopenForm, SubcategoryForm, YearForm
from balise.reports.models import (
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    FinanceLine,
    FinancialYear,
    Kind,
    Subcategory,
)
from balise.reports.selectors import financial_year, summaries, year_figures, year_lines
from balise.reports.services import (
    RefusedChange,
    finance_import,
    finance_line_add,
    finance_line_delete,
    finance_year_close,
    finance_year_reopen,
    financial_year_create,
    subcategory_create,
)

admin_required = platform_role_required(PlatformRole.ADMIN)


@require_http_methods(["GET", "POST"])
@admin_required
def finance_index(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fy = financial_year_create(actor=request_user(request), year=form.cleaned_data["year"])
        except RefusedChange as exc:
            form.add_error("year", str(exc))
        else:
            return redirect("reports:finance_year", year=fy.year)
    years = list(FinancialYear.objects.order_by("-year"))
    by_year = summaries([fy.year for fy in years])
    rows = [(fy, by_year[fy.year]) for fy in years]
    chronological = sorted(by_year.items())
    trend = None
    if len(chronological) >= 2:
        trend = line_chart(
            title=_("Income, expenses and result by year"),
            x_labels=[str(y) for y, _s in chronological],
            series=[
                (_("Income"), [s.income_total for _y, s in chronological]),
                (_("Expenses"), [s.expense_total for _y, s in chronological]),
                (_("Result"), [s.result for _y, s in chronological]),
            ],
            unit="€",
        )
    return render(
        request, "reports/finance_index.html", {"form": form, "rows": rows, "trend": trend}
    )


def _year_context(fy: FinancialYear) -> dict[str, Any]:
    figures = year_figures(fy)
    chart = grouped_bar_chart(
        title=_("%(year)s: accounts and budget by category") % {"year": fy.year},
        categories=[category_label(c) for c in (*INCOME_CATEGORIES, *EXPENSE_CATEGORIES)],
        series=[
            (
                _("Accounts"),
                [
                    *(figures.actual.income[c] for c in INCOME_CATEGORIES),
                    *(figures.actual.expenses[c] for c in EXPENSE_CATEGORIES),
                ],
            ),
            (
                _("Budget"),
                [
                    *(figures.budget.income[c] for c in INCOME_CATEGORIES),
                    *(figures.budget.expenses[c] for c in EXPENSE_CATEGORIES),
                ],
            ),
        ],
        unit="€",
    )
    return {
        "fy": fy,
        "figures": figures,
        "income_rows": [
            (category_label(c), figures.actual.income[c], figures.budget.income[c])
            for c in INCOME_CATEGORIES
        ],
        "expense_rows": [
            (category_label(c), figures.actual.expenses[c], figures.budget.expenses[c])
            for c in EXPENSE_CATEGORIES
        ],
        "actual_lines": year_lines(fy, Kind.ACTUAL),
        "budget_lines": year_lines(fy, Kind.BUDGET),
        "chart": chart,
    }


@require_GET
@admin_required
def finance_year(request: HttpRequest, year: int) -> HttpResponse:
    fy = financial_year(year)
    context = _year_context(fy)
    context.update(line_form=LineForm(), reopen_form=ReopenForm())
    return render(request, "reports/finance_year.html", context)


@require_POST
@admin_required
def finance_line_create(request: HttpRequest, year: int) -> HttpResponse:
    fy = financial_year(year)
    form = LineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            finance_line_add(
                actor=request_user(request),
                fy=fy,
                kind=data["kind"],
                category=data["category"],
                subcategory=data["subcategory"],
                label=data["label"],
                amount=data["amount"],
            )
        except RefusedChange as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Line added."))
            return redirect("reports:finance_year", year=fy.year)
    context = _year_context(fy)
    context.update(line_form=form, reopen_form=ReopenForm())
    return render(request, "reports/finance_year.html", context, status=400)


@require_POST
@admin_required
def finance_line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(FinanceLine.objects.select_related("year"), pk=pk)
    try:
        finance_line_delete(actor=request_user(request), line=line)
    except RefusedChange as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Line deleted."))
    return redirect("reports:finance_year", year=line.year.year)


@require_POST
@admin_required
def finance_close(request: HttpRequest, year: int) -> HttpResponse:
    fy = financial_year(year)
    finance_year_close(actor=request_user(request), fy=fy)
    messages.success(request, _("The year %(year)s is closed.") % {"year": fy.year})
    return redirect("reports:finance_year", year=fy.year)


@require_POST
@admin_required
def finance_reopen(request: HttpRequest, year: int) -> HttpResponse:
    fy = financial_year(year)
    form = ReopenForm(request.POST)
    if form.is_valid():
        finance_year_reopen(actor=request_user(request), fy=fy, reason=form.cleaned_data["reason"])
        messages.success(request, _("The year %(year)s is open again.") % {"year": fy.year})
        return redirect("reports:finance_year", year=fy.year)
    context = _year_context(fy)
    context.update(line_form=LineForm(), reopen_form=form)
    return render(request, "reports/finance_year.html", context, status=400)


@require_http_methods(["GET", "POST"])
@admin_required
def finance_import_view(request: HttpRequest, year: int) -> HttpResponse:
    fy = financial_year(year)
    form = ImportForm(request.POST or None, request.FILES or None)
    issues = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = finance_import(
                actor=request_user(request),
                fy=fy,
                kind=form.cleaned_data["kind"],
                content=upload.read(),
            )
        except ImportRefused as exc:
            issues = exc.issues
        except RefusedChange as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(count)s lines imported for %(year)s.") % {"count": count, "year": fy.year},
            )
            return redirect("reports:finance_year", year=fy.year)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reports/finance_import.html",
        {"fy": fy, "form": form, "issues": issues},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@admin_required
def subcategories(request: HttpRequest) -> HttpResponse:
    form = SubcategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subcategory_create(actor=request_user(request), **form.cleaned_data)
        except RefusedChange as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, _("Sub-category added."))
            return redirect("reports:subcategories")
    rows = [
        (category_label(s.category), s) for s in Subcategory.objects.order_by("category", "code")
    ]
    return render(
        request,
        "reports/subcategories.html",
        {"form": form, "rows": rows},
        status=400 if request.method == "POST" else 200,
    )
