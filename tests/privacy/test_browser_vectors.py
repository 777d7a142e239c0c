"""Inside Chromium: encoding.js as served agrees with Python on the shared test vectors, and the
pages refuse a module whose bytes do not match its integrity hash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from balise.linkage.encode import Encoder
from balise.linkage.normalise import InvalidField
from balise.linkage.secret import loads_secret
from tests.conftest import browser_sign_in
from tests.privacy.conftest import SecretFile, browser_recorder

VECTORS = Path(__file__).resolve().parents[2] / "src/balise/linkage/spec/vectors-v2.json"

RUN_VECTORS = """async ({url, secret, inputs}) => {
  const { encodeIdentity } = await import(url);
  const out = [];
  for (const input of inputs) {
    try { out.push(await encodeIdentity(secret, input)); }
    catch (error) { out.push({ error: error.field ?? String(error) }); }
  }
  return out;
}"""


def _python(secret_text: str, identity: dict[str, str]) -> dict[str, str]:
    encoder = Encoder(loads_secret(secret_text))
    try:
        return encoder.columns(
            identity["first_name"], identity["last_name"], identity["birth_date"], identity["sex"]
        )
    except InvalidField as error:
        return {"error": error.field}


@pytest.mark.browser
def test_it_agrees_with_python_on_the_shared_vectors(page: Page, live_server: LiveServer) -> None:
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    page.goto(live_server.url + "/accounts/login/")  # any page: a secure context on 127.0.0.1
    inputs = [vector["input"] for vector in vectors["vectors"]]
    from_chromium = page.evaluate(
        RUN_VECTORS,
        {
            "url": live_server.url + "/static/balise/js/encoding.js",
            "secret": vectors["secret_file"],
            "inputs": inputs,
        },
    )
    assert len(from_chromium) == len(vectors["vectors"]) > 20
    for vector, columns in zip(vectors["vectors"], from_chromium, strict=True):
        assert columns == vector["expected"], vector["input"]
        assert columns == _python(vectors["secret_file"], vector["input"]), vector["input"]


def _tamper(route: Route) -> None:
    response = route.fetch()
    route.fulfill(response=response, body=response.text() + "\n// changed in transit\n")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("module", ["identity-secret.js", "encoding.js"])
def test_it_refuses_a_module_that_does_not_match_its_hash(
    page: Page, live_server: LiveServer, secret_file: SecretFile, module: str
) -> None:
    browser_sign_in(page, live_server, browser_recorder())
    page.goto(live_server.url + "/situations/device-secret/")
    expect(page.locator("#device-secret")).to_have_attribute("data-state", "missing")

    page.route(f"**/static/balise/js/{module}", _tamper)
    page.reload()
    page.wait_for_load_state("networkidle")
    page.evaluate(
        "([key, text]) => window.localStorage.setItem(key, text)",
        ["balise.network-secret", secret_file.text],
    )
    page.reload()
    page.wait_for_load_state("networkidle")
    # The page script (or the encoder it imports) never ran: the secret is not recognised.
    state = page.locator("#device-secret").get_attribute("data-state")
    assert state in {"loading", "damaged"}
    expect(page.locator("#secret-key-id")).to_have_text("")
