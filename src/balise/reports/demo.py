"""Demo finances (2023–2025 and a 2026 budget), a team, and a frozen 2023–2025 activity report.

Idempotent: each part is added only when its table is empty. The report's PDFs are queued for
``balise jobs work`` (``make run`` runs it once), so the command itself stays quick.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from balise.accounts.models import PlatformRole, User
from balise.reports.models import (
    ActivityReport,
    Category,
    FinanceLine,
    FinancialYear,
    Subcategory,
    TeamMember,
)
from balise.reports.report_services import report_freeze, report_save, section_save
from balise.reports.services import finance_year_close, team_member_save

SUBCATEGORIES = [
    (
        "fwb",
        Category.SUBSIDIES,
        "Fédération Wallonie-Bruxelles",
        "Federatie Wallonië-Brussel",
        "Wallonia-Brussels Federation",
    ),
    ("federal", Category.SUBSIDIES, "Fédéral", "Federaal", "Federal"),
    ("regional", Category.SUBSIDIES, "Régional", "Gewestelijk", "Regional"),
    ("european", Category.SUBSIDIES, "Européen", "Europees", "European"),
    ("foundations", Category.GIFTS_LEGACIES, "Fondations", "Stichtingen", "Foundations"),
    (
        "private_donors",
        Category.GIFTS_LEGACIES,
        "Donateurs privés",
        "Particuliere schenkers",
        "Private donors",
    ),
]

# (category, sub-category code, label, amount) per year; 2026 is next year's budget.
ACCOUNTS = {
    2023: [
        ("subsidies", "fwb", "Convention", "148000.00"),
        ("subsidies", "federal", "Plan d'action national", "42000.00"),
        ("subsidies", "european", "Projet ISF", "18500.00"),
        ("gifts_legacies", "foundations", "Fondation Roi Baudouin", "15000.00"),
        ("gifts_legacies", "private_donors", "", "6240.35"),
        ("membership_fees", "", "", "1320.00"),
        ("remuneration", "", "Salaires et charges", "171250.80"),
        ("goods_services", "", "Matériel de formation", "8420.15"),
        ("misc_goods_services", "", "Loyer, assurances, informatique", "31870.44"),
        ("other_expenses", "", "Amortissements", "4100.00"),
    ],
    2024: [
        ("subsidies", "fwb", "Convention", "152000.00"),
        ("subsidies", "federal", "Plan d'action national", "42000.00"),
        ("subsidies", "regional", "Appel à projets", "12000.00"),
        ("subsidies", "european", "Projet ISF", "21750.00"),
        ("gifts_legacies", "foundations", "Fondation Roi Baudouin", "10000.00"),
        ("gifts_legacies", "private_donors", "", "7815.20"),
        ("membership_fees", "", "", "1410.00"),
        ("other_income", "", "Formations facturées", "5600.00"),
        ("remuneration", "", "Salaires et charges", "196480.12"),
        ("goods_services", "", "Matériel de formation", "9012.40"),
        ("misc_goods_services", "", "Loyer, assurances, informatique", "33990.87"),
        ("other_expenses", "", "Amortissements", "4100.00"),
    ],
    2025: [
        ("subsidies", "fwb", "Convention", "156500.00"),
        ("subsidies", "federal", "Plan d'action national", "45000.00"),
        ("subsidies", "regional", "Appel à projets", "14000.00"),
        ("gifts_legacies", "foundations", "Fondation Roi Baudouin", "12500.00"),
        ("gifts_legacies", "private_donors", "", "8904.75"),
        ("membership_fees", "", "", "1455.00"),
        ("other_income", "", "Formations facturées", "7250.00"),
        ("remuneration", "", "Salaires et charges", "209730.55"),
        ("goods_services", "", "Matériel de formation", "7655.10"),
        ("misc_goods_services", "", "Loyer, assurances, informatique", "35120.66"),
        ("other_expenses", "", "Amortissements", "3800.00"),
    ],
}
BUDGET_2026 = [
    ("subsidies", "fwb", "Convention", "160000.00"),
    ("subsidies", "federal", "Plan d'action national", "45000.00"),
    ("gifts_legacies", "foundations", "", "12000.00"),
    ("other_income", "", "Formations facturées", "8000.00"),
    ("remuneration", "", "Salaires et charges", "214000.00"),
    ("misc_goods_services", "", "", "36000.00"),
]

TEAM = [
    # name, group, role fr, nl, en, languages, start, end
    (
        "Sophie Leclercq",
        "team",
        "Directrice",
        "Directrice",
        "Director",
        "fr,nl,en",
        date(2019, 9, 1),
        None,
    ),
    (
        "Pieter Janssens",
        "team",
        "Analyste de données",
        "Data-analist",
        "Data analyst",
        "nl,fr,en",
        date(2021, 2, 1),
        None,
    ),
    (
        "Amina El Idrissi",
        "team",
        "Chargée de formation",
        "Opleidingsverantwoordelijke",
        "Training officer",
        "fr,nl,ar",
        date(2022, 4, 15),
        None,
    ),
    (
        "Lotte De Smet",
        "team",
        "Chargée de communication",
        "Communicatiemedewerker",
        "Communication officer",
        "nl,fr",
        date(2023, 1, 9),
        None,
    ),
    (
        "Marc Dumont",
        "team",
        "Juriste",
        "Jurist",
        "Legal officer",
        "fr",
        date(2018, 1, 1),
        date(2023, 6, 30),
    ),
    (
        "Anne Lambert",
        "board",
        "Présidente",
        "Voorzitster",
        "Chair",
        "fr,nl",
        date(2019, 1, 1),
        None,
    ),
    (
        "Koen Peeters",
        "board",
        "Trésorier",
        "Penningmeester",
        "Treasurer",
        "nl,fr",
        date(2019, 1, 1),
        None,
    ),
    (
        "Fatou Diallo",
        "board",
        "Administratrice",
        "Bestuurder",
        "Director",
        "fr,en",
        date(2022, 6, 1),
        None,
    ),
]

SECTIONS = [
    (
        ("Le mot de la présidente", "Woord van de voorzitster", "A word from the chair"),
        (
            "Trois années pendant lesquelles le réseau a grandi : davantage d'organisations "
            "enregistrent les situations, et les chiffres publiés s'appuient désormais sur des "
            "**publications statistiques protégées**.",
            "Drie jaar waarin het netwerk groeide: meer organisaties registreren situaties, en de "
            "gepubliceerde cijfers steunen voortaan op **beschermde statistieken**.",
            "Three years in which the network grew: more organisations record situations, and "
            "the published figures now rest on **protected statistics releases**.",
        ),
    ),
    (
        ("Nos missions", "Onze opdrachten", "Our missions"),
        (
            "- Compter les enfants concernés sans qu'aucun nom ne quitte les organisations\n"
            "- Former les professionnels au repérage\n- Publier des analyses",
            "- Kinderen tellen zonder dat een naam de organisaties verlaat\n"
            "- Professionals opleiden in het herkennen\n- Analyses publiceren",
            "- Count the children concerned without any name leaving the organisations\n"
            "- Train professionals to recognise exploitation\n- Publish analyses",
        ),
    ),
]


def _editor() -> User | None:
    return (
        User.objects.filter(platform_role=PlatformRole.EDITOR, is_active=True)
        .order_by("pk")
        .first()
    )


def _admin() -> User | None:
    return (
        User.objects.filter(platform_role=PlatformRole.ADMIN, is_active=True).order_by("pk").first()
    )


@transaction.atomic
def add_demo_reports() -> list[str]:
    """Add what is missing; a line per part added (empty when everything was there)."""
    added: list[str] = []
    admin, editor = _admin(), _editor()
    if admin is None or editor is None:
        return added
    if not Subcategory.objects.exists():
        for code, category, fr, nl, en in SUBCATEGORIES:
            Subcategory.objects.create(
                code=code, category=category, name_fr=fr, name_nl=nl, name_en=en
            )
    if not FinancialYear.objects.exists():
        subs = {s.code: s for s in Subcategory.objects.all()}
        for year, lines in [*ACCOUNTS.items(), (2026, BUDGET_2026)]:
            fy = FinancialYear.objects.create(year=year)
            kind = "budget" if year == 2026 else "actual"
            FinanceLine.objects.bulk_create(
                FinanceLine(
                    year=fy,
                    kind=kind,
                    category=category,
                    subcategory=subs.get(code),
                    label=label,
                    amount=Decimal(amount),
                )
                for category, code, label, amount in lines
            )
        for fy in FinancialYear.objects.filter(year__in=[2023, 2024]):
            finance_year_close(actor=admin, fy=fy)
        added.append("demo finances 2023–2025 and a 2026 budget (/finances/)")
    if not TeamMember.objects.exists():
        for order, (name, group, fr, nl, en, langs, start, end) in enumerate(TEAM):
            team_member_save(
                actor=admin,
                name=name,
                group=group,
                role_fr=fr,
                role_nl=nl,
                role_en=en,
                languages=langs,
                start_date=start,
                end_date=end,
                order=order,
            )
        added.append(f"a demo team of {len(TEAM)} people (/team/)")
    if not ActivityReport.objects.exists():
        report = report_save(
            actor=editor,
            start_year=2023,
            end_year=2025,
            title_fr="Rapport d'activité 2023–2025",
            title_nl="Activiteitenverslag 2023–2025",
            title_en="Activity report 2023–2025",
            publisher_name="ASBL Balise (démo)",
            publisher_details="Rue de la Démo 1, 1000 Bruxelles\nBCE 0000.000.000",
        )
        for order, (headings, bodies) in enumerate(SECTIONS, start=1):
            section_save(
                actor=editor,
                report=report,
                order=order * 10,
                heading_fr=headings[0],
                heading_nl=headings[1],
                heading_en=headings[2],
                body_fr=bodies[0],
                body_nl=bodies[1],
                body_en=bodies[2],
            )
        report_freeze(actor=editor, report=report, start_pdfs=False)
        added.append(
            "a frozen 2023–2025 activity report (/activity-reports/; PDFs: balise jobs work)"
        )
    return added
