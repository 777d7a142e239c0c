"""Demo publications (a dozen, in French, Dutch and English, with real small PDFs) and a
newsletter with subscribers, for `balise demo`.

Idempotent: nothing is added when the demo publications are there. The PDFs are drawn by one
WeasyPrint rendering per language whose pages are then split into one file per publication
(pypdf), so the command stays quick. Every text is synthetic.
"""

# ruff: noqa: E501 - the synthetic titles and abstracts below read better unbroken

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader, PdfWriter

from balise.accounts.models import PlatformRole, User
from balise.publications.models import Consent, Kind, Publication, Subscriber
from balise.publications.newsletter import issue_create, subscribers_import
from balise.publications.services import (
    PublicationData,
    checked_upload,
    publication_create,
    publication_publish,
    publication_version_save,
)

DEMO_AUTHORS = "Équipe Balise (démo)"
DEMO_DOMAIN = "balise.test"  # reserved top-level domain (RFC 2606): no mail reaches anyone


@dataclass(frozen=True)
class DemoPublication:
    kind: str
    published_on: date
    topics: tuple[str, ...]
    legal_deposit: str
    titles: dict[str, tuple[str, str]]  # language -> (title, abstract)


def _p(
    kind: str, day: date, topics: tuple[str, ...], deposit: str, **titles: tuple[str, str]
) -> DemoPublication:
    return DemoPublication(kind, day, topics, deposit, dict(titles))


DEMO_PUBLICATIONS = (
    _p(
        Kind.ANALYSIS,
        date(2024, 2, 12),
        ("forms:online_sextortion", "sectors:police"),
        "D/2024/9999/1",
        fr=(
            "La sextorsion des adolescents : ce que montrent les signalements",
            "Analyse des situations de sextorsion signalées par les zones de police (données fictives).",
        ),
        nl=(
            "Sextortion bij tieners: wat de meldingen tonen",
            "Analyse van de sextortion-situaties die politiezones meldden (fictieve gegevens).",
        ),
    ),
    _p(
        Kind.STUDY,
        date(2024, 5, 6),
        ("forms:prostitution", "sectors:youth_aid"),
        "D/2024/9999/2",
        fr=(
            "Fugues et exploitation : une étude de parcours",
            "Étude qualitative de parcours de jeunes en fugue répétée (récits synthétiques).",
        ),
        nl=(
            "Weglopen en uitbuiting: een trajectstudie",
            "Kwalitatieve studie van trajecten van jongeren die herhaaldelijk weglopen (synthetische verhalen).",
        ),
        en=(
            "Running away and exploitation: a pathway study",
            "Qualitative study of the pathways of young people who repeatedly run away (synthetic accounts).",
        ),
    ),
    _p(
        Kind.TOOL,
        date(2024, 9, 2),
        ("sectors:school",),
        "",
        fr=(
            "Repérer à l'école : fiche pour les équipes éducatives",
            "Une fiche de deux pages pour reconnaître les signes et savoir qui appeler.",
        ),
        nl=(
            "Signaleren op school: fiche voor onderwijsteams",
            "Een fiche van twee pagina's om signalen te herkennen en te weten wie te bellen.",
        ),
        en=(
            "Spotting it at school: a sheet for school staff",
            "A two-page sheet to recognise the signs and know whom to call.",
        ),
    ),
    _p(
        Kind.REPORT,
        date(2024, 11, 18),
        ("forms:trafficking_sexual", "sectors:justice"),
        "D/2024/9999/3",
        fr=(
            "Traite des mineurs à des fins sexuelles : suites judiciaires",
            "Rapport sur les suites données aux dossiers de traite impliquant des mineurs (chiffres fictifs).",
        ),
        nl=(
            "Mensenhandel met minderjarigen voor seksuele doeleinden: gerechtelijk gevolg",
            "Rapport over het gevolg dat aan mensenhandeldossiers met minderjarigen werd gegeven (fictieve cijfers).",
        ),
    ),
    _p(
        Kind.ANALYSIS,
        date(2025, 1, 20),
        ("forms:csam", "sectors:police"),
        "",
        en=(
            "Child sexual abuse material: reports and removals",
            "An analysis of reports of abuse material and the time to removal (fictitious data).",
        ),
    ),
    _p(
        Kind.STUDY,
        date(2025, 3, 10),
        ("forms:online_sextortion", "sectors:health"),
        "D/2025/9999/1",
        fr=(
            "Soigner après la sextorsion : l'expérience des centres",
            "Étude auprès des centres de prise en charge des violences sexuelles (entretiens fictifs).",
        ),
        en=(
            "Care after sextortion: what the centres learnt",
            "A study among sexual violence care centres (fictitious interviews).",
        ),
    ),
    _p(
        Kind.TOOL,
        date(2025, 4, 28),
        ("sectors:association", "sectors:youth_aid"),
        "",
        fr=(
            "Parler avec un jeune : guide d'entretien",
            "Un guide pour mener une première conversation sans mettre le jeune en danger.",
        ),
        nl=(
            "Praten met een jongere: gespreksgids",
            "Een gids om een eerste gesprek te voeren zonder de jongere in gevaar te brengen.",
        ),
        en=(
            "Talking with a young person: a conversation guide",
            "A guide to a first conversation that keeps the young person safe.",
        ),
    ),
    _p(
        Kind.ANALYSIS,
        date(2025, 6, 16),
        ("forms:travel_tourism", "sectors:reception"),
        "",
        fr=(
            "Mineurs étrangers non accompagnés : risques pendant le transit",
            "Analyse des risques d'exploitation pendant le transit (situations fictives).",
        ),
        nl=(
            "Niet-begeleide buitenlandse minderjarigen: risico's tijdens de doorreis",
            "Analyse van de uitbuitingsrisico's tijdens de doorreis (fictieve situaties).",
        ),
    ),
    _p(
        Kind.REPORT,
        date(2025, 9, 8),
        ("forms:forced_marriage",),
        "D/2025/9999/2",
        fr=(
            "Mariages forcés de mineures : état des lieux",
            "Un état des lieux des situations signalées et des réponses possibles (données fictives).",
        ),
        nl=(
            "Gedwongen huwelijken van minderjarigen: stand van zaken",
            "Een stand van zaken van de gemelde situaties en mogelijke antwoorden (fictieve gegevens).",
        ),
        en=(
            "Forced marriage of minors: where we stand",
            "Where we stand on reported situations and possible responses (fictitious data).",
        ),
    ),
    _p(
        Kind.OTHER,
        date(2025, 11, 24),
        ("sectors:police", "sectors:justice", "sectors:youth_aid"),
        "",
        fr=(
            "Actes du colloque « Compter sans nommer »",
            "Les interventions du colloque sur le comptage des enfants sans identité nominative.",
        ),
        nl=(
            "Handelingen van het colloquium 'Tellen zonder te benoemen'",
            "De bijdragen aan het colloquium over het tellen van kinderen zonder naam.",
        ),
    ),
    _p(
        Kind.ANALYSIS,
        date(2026, 2, 9),
        ("forms:prostitution", "forms:online_sextortion"),
        "",
        nl=(
            "Lover boys in Vlaanderen: patronen in de meldingen",
            "Analyse van patronen in gemelde loverboysituaties (fictieve gegevens).",
        ),
        en=(
            "Lover boys in Flanders: patterns in the reports",
            "An analysis of patterns in reported lover boy situations (fictitious data).",
        ),
    ),
    _p(
        Kind.TOOL,
        date(2026, 4, 20),
        ("sectors:health", "sectors:school"),
        "",
        fr=(
            "Aide-mémoire : les numéros utiles",
            "Les numéros et services à contacter, par région, en une page.",
        ),
        nl=(
            "Geheugensteun: nuttige nummers",
            "De nummers en diensten om te contacteren, per gewest, op één pagina.",
        ),
        en=(
            "Reminder: useful numbers",
            "The numbers and services to contact, by region, on one page.",
        ),
    ),
)

BODY = {
    "fr": "Ce document de démonstration est synthétique. Il décrit, avec des chiffres fictifs, "
    "comment les professionnels repèrent et accompagnent les enfants concernés.",
    "nl": "Dit demonstratiedocument is synthetisch. Het beschrijft met fictieve cijfers hoe "
    "professionals de betrokken kinderen opsporen en begeleiden.",
    "en": "This demonstration document is synthetic. With fictitious figures, it describes how "
    "professionals spot and support the children concerned.",
}

DEMO_SUBSCRIBERS = 36


def _pdfs(language: str, items: list[tuple[str, str]]) -> list[bytes]:
    """One single-page PDF per (title, abstract), from one WeasyPrint rendering."""
    from weasyprint import HTML

    pages = "".join(
        f'<section style="break-after: page"><h1>{escape(title)}</h1><p><em>{escape(abstract)}'
        f"</em></p><p>{escape(BODY[language])}</p></section>"
        for title, abstract in items
    )
    document = HTML(string=f'<html lang="{language}"><body>{pages}</body></html>').write_pdf()
    reader = PdfReader(io.BytesIO(document))
    files = []
    for page in reader.pages:
        writer = PdfWriter()
        writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        files.append(buffer.getvalue())
    return files


def _editor() -> User | None:
    return (
        User.objects.filter(platform_role=PlatformRole.EDITOR, is_active=True)
        .order_by("pk")
        .first()
    )


def add_demo_publications() -> list[str]:
    """Add the demo publications and newsletter; what was added, for the command to print."""
    editor = _editor()
    if editor is None or Publication.objects.filter(authors=DEMO_AUTHORS).exists():
        return []
    rendered: dict[str, list[bytes]] = {}
    for language in ("fr", "nl", "en"):
        items = [d.titles[language] for d in DEMO_PUBLICATIONS if language in d.titles]
        rendered[language] = _pdfs(language, items)
    with transaction.atomic():
        for demo in DEMO_PUBLICATIONS:
            publication = publication_create(
                actor=editor,
                data=PublicationData(
                    kind=demo.kind,
                    authors=DEMO_AUTHORS,
                    published_on=demo.published_on,
                    legal_deposit=demo.legal_deposit,
                    topics=demo.topics,
                ),
            )
            for language, (title, abstract) in demo.titles.items():
                publication_version_save(
                    actor=editor,
                    publication=publication,
                    language=language,
                    title=title,
                    abstract=abstract,
                    pdf=checked_upload(rendered[language].pop(0)),
                )
            publication_publish(actor=editor, publication=publication)
        subscribers = _add_subscribers()
        for language, subject, body in (
            (
                "fr",
                "Balise — les nouvelles de l'hiver",
                "## Nouvelles publications\n\n"
                "Découvrez l'**aide-mémoire des numéros utiles** et le guide d'entretien.\n",
            ),
            (
                "nl",
                "Balise — het winternieuws",
                "## Nieuwe publicaties\n\n"
                "Ontdek de **geheugensteun met nuttige nummers** en de gespreksgids.\n",
            ),
        ):
            issue_create(actor=editor, language=language, subject=subject, body=body)
    return [
        f"{len(DEMO_PUBLICATIONS)} demo publications (/publications/)",
        f"{subscribers} newsletter subscribers and 2 draft issues (/newsletter/issues/)",
    ]


def _add_subscribers() -> int:
    languages = ("fr", "fr", "nl", "nl", "en")
    rows = [
        (f"abonne{n:02d}@{DEMO_DOMAIN}", languages[n % len(languages)])
        for n in range(DEMO_SUBSCRIBERS)
    ]
    result = subscribers_import(actor=None, rows=rows, form="demo", text_version="demo")
    # Spread the confirmations over the past year, so that the counts by month show something.
    today = timezone.localdate()
    for n, subscriber in enumerate(Subscriber.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")):
        day = today - timedelta(days=(n * 11) % 365)
        moment = timezone.make_aware(datetime.combine(day, time(10)))
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=moment, created_at=moment)
        Consent.objects.filter(subscriber=subscriber).update(at=moment)
    return result.added


__all__ = ["DEMO_PUBLICATIONS", "add_demo_publications"]
