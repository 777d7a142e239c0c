"""Fixtures of the reports tests: sub-categories an organisation would define."""

from __future__ import annotations

import pytest

from balise.reports.models import Category, Subcategory


@pytest.fixture
def subcategories(db: None) -> dict[str, Subcategory]:
    rows = [
        ("fwb", Category.SUBSIDIES, "Fédération Wallonie-Bruxelles", "Federatie Wallonië-Brussel"),
        ("federal", Category.SUBSIDIES, "Fédéral", "Federaal"),
        ("foundations", Category.GIFTS_LEGACIES, "Fondations", "Stichtingen"),
        ("private_donors", Category.GIFTS_LEGACIES, "Donateurs privés", "Particuliere schenkers"),
    ]
    return {
        code: Subcategory.objects.create(category=cat, code=code, name_fr=fr, name_nl=nl)
        for code, cat, fr, nl in rows
    }
