"""Privacy test helpers: a recorder signed in inside the browser, a network secret on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from balise.accounts.models import Organisation, OrgRole, Region, Sector, User
from balise.linkage.secret import NetworkSecret, new_secret
from tests.conftest import make_user


@dataclass
class SecretFile:
    secret: NetworkSecret
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


@pytest.fixture
def secret_file(tmp_path: Path) -> SecretFile:
    secret = new_secret()
    path = tmp_path / "network.secret.json"
    path.write_text(secret.dumps(), encoding="utf-8")
    return SecretFile(secret, path)


def browser_recorder(email: str = "echo@example.org") -> User:
    organisation = Organisation.objects.create(
        name="Service Echo", sector=Sector.YOUTH_AID, region=Region.BRUSSELS
    )
    return make_user(email, organisation=organisation, org_role=OrgRole.RECORDER)
