"""`balise demo`: the demo network (organisations, stewards, recorders, platform roles).

Idempotent: running it again creates nothing new and resets the demo passwords. It refuses to
run without demo settings, because every account it makes has a published password.
Synthetic situations (``--situations N --seed S``) come with the recording part.
"""

from __future__ import annotations

from argparse import ArgumentParser
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from balise.accounts.models import Organisation, OrgRole, PlatformRole, Region, Sector, User
from balise.audit.services import record_event
from balise.network.services import organisation_create, platform_role_set

DEMO_PASSWORD = "demo-balise-2026"  # noqa: S105 - published on purpose: demo settings only
# Published on purpose, like the passwords: the demo organisations' unlock code (Crockford
# base32 as the browser reads it: O is 0, L is 1).
DEMO_UNLOCK_CODE = "DEMO0-CODE0-BALSE-2026X"
DEMO_DOMAIN = "balise.test"  # reserved top-level domain (RFC 2606): no mail can reach anyone


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    sector: Sector
    region: Region
    people: tuple[str, str, str]  # steward, recorder 1, recorder 2 (fictitious professionals)


DEMO_ORGANISATIONS = (
    DemoOrganisation(
        "police",
        "Zone de police Bruxelles-Capitale/Ixelles",
        Sector.POLICE,
        Region.BRUSSELS,
        ("Nadia Benali", "Thomas Dubois", "Sarah Vermeulen"),
    ),
    DemoOrganisation(
        "parquet",
        "Parquet de Liège — section jeunesse",
        Sector.JUSTICE,
        Region.WALLONIA,
        ("Marc Lambert", "Julie Renard", "Olivier Collard"),
    ),
    DemoOrganisation(
        "saj",
        "SAJ de Namur",
        Sector.YOUTH_AID,
        Region.WALLONIA,
        ("Catherine Dupont", "Hugo Lemaire", "Amélie Gilson"),
    ),
    DemoOrganisation(
        "asbl",
        "Esperanto asbl — accompagnement des mineurs victimes",
        Sector.ASSOCIATION,
        Region.WALLONIA,
        ("Isabelle Martin", "Youssef El Amrani", "Claire Thiry"),
    ),
    DemoOrganisation(
        "cpvs",
        "CPVS Bruxelles (CHU Saint-Pierre)",
        Sector.HEALTH,
        Region.BRUSSELS,
        ("Dr Anne Claes", "Lucie Moreau", "Karim Haddad"),
    ),
    DemoOrganisation(
        "mena",
        "Centre d'observation et d'orientation pour MENA (Fedasil, Neder-Over-Heembeek)",
        Sector.RECEPTION,
        Region.BRUSSELS,
        ("Pieter De Smet", "Fatou Diallo", "Jonas Peeters"),
    ),
    DemoOrganisation(
        "politie",
        "Politiezone Antwerpen — jeugd- en zedenzaken",
        Sector.POLICE,
        Region.FLANDERS,
        ("Els Wouters", "Bram Jacobs", "Lotte Maes"),
    ),
)

# (login, platform role, name): two analysts because a release needs a second approver.
DEMO_PLATFORM_PEOPLE = (
    ("admin", PlatformRole.ADMIN, "Valérie Administratrice"),
    ("analyst", PlatformRole.ANALYST, "Koen Analist"),
    ("analyst2", PlatformRole.ANALYST, "Marie Analyste"),
    ("editor", PlatformRole.EDITOR, "Hélène Éditrice"),
)


@dataclass
class Login:
    email: str
    role: str
    organisation: str


class Command(BaseCommand):
    help = "Create the demo network (demo settings only) and print its logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--situations",
            type=int,
            default=0,
            metavar="N",
            help="synthetic situations to record (with encoded synthetic identities)",
        )
        parser.add_argument(
            "--at-least",
            type=int,
            default=0,
            metavar="N",
            help="top the synthetic situations up to N (nothing is added when there are N already)",
        )
        parser.add_argument("--seed", type=int, default=None, metavar="S", help="random seed")
        parser.add_argument(
            "--publish-release",
            type=int,
            nargs="?",
            const=0,
            default=None,
            metavar="YYYY",
            help="link the situations and publish a statistics release of YYYY (default: the "
            "last complete year), drafted and approved by the two demo analysts",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO or settings.PRODUCTION:
            raise CommandError(
                "balise demo only runs with demo settings (BALISE_DEMO=1): it creates accounts "
                "whose passwords are published. Nothing was changed."
            )
        # English output like every Balise command, whatever LANGUAGE_CODE says.
        with translation.override("en"), transaction.atomic():
            logins, created = self._load()
            record_event(
                "demo.loaded",
                object_type="network",
                details={
                    "organisations_created": created["organisations"],
                    "users_created": created["users"],
                    "situations_requested": options["situations"],
                },
            )
        self._print(logins, created)
        self._hand_out_secret()
        from balise.training.demo import add_demo_trainings

        if trainings := add_demo_trainings():
            self.stdout.write(f"{trainings} demo training sessions added (/trainings/).")
        from balise.publications.demo import add_demo_publications

        for line in add_demo_publications():
            self.stdout.write(f"Added {line}.")
        if options["situations"] < 0 or options["at_least"] < 0:
            raise CommandError("--situations and --at-least take a positive number")
        wanted = options["situations"]
        if options["at_least"]:
            from balise.observatory.demo import demo_situation_count

            wanted = max(wanted, options["at_least"] - demo_situation_count())
        if wanted:
            from balise.observatory.demo import add_demo_situations

            written = add_demo_situations(wanted, options["seed"] or 0)
            self.stdout.write(
                f"{written} synthetic situations recorded across the demo organisations "
                "(identities encoded under var/demo-network-secret)."
            )
        if options["publish_release"] is not None:
            self._publish_release(options["publish_release"])
        # Last: the frozen demo activity report reads the release published just above.
        from balise.reports.demo import add_demo_reports

        for line in add_demo_reports():
            self.stdout.write(f"Added {line}.")

    def _publish_release(self, period: int) -> None:
        from balise.observatory.demo_release import last_complete_year, publish_demo_release

        period = period or last_complete_year()
        release = publish_demo_release(
            period=period,
            drafted_by=User.objects.get(email=f"analyst@{DEMO_DOMAIN}"),
            approved_by=User.objects.get(email=f"analyst2@{DEMO_DOMAIN}"),
            say=self.stdout.write,
        )
        if release is None:
            self.stdout.write(f"A statistics release of {period} is already published.")
        else:
            self.stdout.write(
                f"Published the statistics release of {period} (/statistics/{release.pk}/)."
            )

    def _hand_out_secret(self) -> None:
        """The demo network secret in var/ (created once), published as the network's key and
        wrapped for every demo organisation under the published DEMO_UNLOCK_CODE, so that the
        demo shows the unlock step. A real network's secret is created in a browser instead."""
        from balise.network.models import KeyCustodian, NetworkKey, WrappedSecret
        from balise.network.wrapping import wrap_secret
        from balise.observatory.demo import demo_secret, secret_path

        secret = demo_secret()
        key = NetworkKey.objects.first()
        if key is None:
            key = NetworkKey.objects.create(key_id=secret.key_id)
        if key.key_id == secret.key_id:
            missing = Organisation.objects.filter(
                name__in=[spec.name for spec in DEMO_ORGANISATIONS]
            ).exclude(wrapped_secrets__network_key=key)
            if missing.exists():
                wrapped = wrap_secret(secret.dumps(), key.key_id, DEMO_UNLOCK_CODE)
                WrappedSecret.objects.bulk_create(
                    WrappedSecret(organisation=o, network_key=key, wrapped=wrapped) for o in missing
                )
        steward = User.objects.filter(email=f"police.steward@{DEMO_DOMAIN}").first()
        if steward is not None and not KeyCustodian.objects.exists():
            KeyCustodian.objects.create(user=steward)
        self.stdout.write(
            f"Demo network secret: {secret_path()} (key id {secret.key_id}). "
            f"Unlock code of every demo organisation: {DEMO_UNLOCK_CODE} "
            f"(key custodian: police.steward@{DEMO_DOMAIN})."
        )

    def _load(self) -> tuple[list[Login], dict[str, int]]:
        created = {"organisations": 0, "users": 0}
        logins: list[Login] = []
        for spec in DEMO_ORGANISATIONS:
            organisation = Organisation.objects.filter(name=spec.name).first()
            if organisation is None:
                organisation = organisation_create(
                    actor=None, name=spec.name, sector=spec.sector, region=spec.region
                )
                created["organisations"] += 1
            people = zip(
                ("steward", "recorder1", "recorder2"),
                (OrgRole.STEWARD, OrgRole.RECORDER, OrgRole.RECORDER),
                spec.people,
                strict=True,
            )
            for login, org_role, full_name in people:
                email = f"{spec.slug}.{login}@{DEMO_DOMAIN}"
                user, new = self._user(email, full_name, organisation, org_role)
                created["users"] += new
                logins.append(Login(email, str(org_role.label), organisation.name))
        for login, platform_role, full_name in DEMO_PLATFORM_PEOPLE:
            email = f"{login}@{DEMO_DOMAIN}"
            user, new = self._user(email, full_name, None, None)
            created["users"] += new
            if user.platform_role != platform_role:
                platform_role_set(actor=None, user=user, role=platform_role)
            logins.append(Login(email, str(platform_role.label), ""))
        return logins, created

    def _user(
        self,
        email: str,
        full_name: str,
        organisation: Organisation | None,
        org_role: OrgRole | None,
    ) -> tuple[User, int]:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                full_name=full_name,
                organisation=organisation,
                org_role=org_role or "",
            )
            record_event(
                "demo.user_created",
                organisation_id=user.organisation_id,
                object_type="user",
                object_id=user.pk,
                details={"org_role": user.org_role},
            )
            return user, 1
        changed = []
        if user.organisation_id != (organisation.pk if organisation else None):
            user.organisation = organisation
            changed.append("organisation")
        if user.org_role != (org_role or ""):
            user.org_role = org_role or ""
            changed.append("org_role")
        if not user.is_active:
            user.is_active = True
            changed.append("is_active")
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        return user, 0

    def _print(self, logins: list[Login], created: dict[str, int]) -> None:
        self.stdout.write(
            f"Demo network ready: {created['organisations']} organisations and "
            f"{created['users']} accounts created this time "
            f"({len(DEMO_ORGANISATIONS)} organisations, {len(logins)} accounts in all)."
        )
        width = max(len(login.email) for login in logins)
        role_width = max(len(login.role) for login in logins)
        self.stdout.write("")
        self.stdout.write(
            f"{'Email':<{width}}  {'Password':<16}  {'Role':<{role_width}}  Organisation"
        )
        self.stdout.write(f"{'-' * width}  {'-' * 16}  {'-' * role_width}  {'-' * 12}")
        for login in logins:
            self.stdout.write(
                f"{login.email:<{width}}  {DEMO_PASSWORD:<16}  {login.role:<{role_width}}  "
                f"{login.organisation}"
            )
        if settings.REQUIRE_MFA:
            self.stdout.write(
                "Two-factor authentication is required: each account enrols an authenticator app "
                "at its first sign-in."
            )
        else:
            self.stdout.write("Two-factor authentication is switched off in this demo.")
