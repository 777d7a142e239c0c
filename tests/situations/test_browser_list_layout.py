"""The situations list at 1280 px and 390 px: nothing overlaps, no sideways scrolling, axe clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import Organisation, OrgRole, Region, Sector, User
from balise.situations.services import situation_create
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import browser_sign_in, make_user
from tests.situations.conftest import valid_data

# Pairs of visible leaf boxes (links, buttons, fields, labels, cells' text) whose rectangles
# intersect by more than half a pixel, neither inside the other in the DOM.
OVERLAPS = """() => {
  const selector = "main a, main button, main input, main select, main label, main summary, " +
    "main td, main th, main caption, main h1, main .help, main .pagination span";
  // Visually hidden (clipped) elements are for screen readers: they take no room on screen.
  const clipped = (el) => {
    for (let a = el; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.clip !== "auto" && style.position === "absolute") return true;
    }
    return false;
  };
  const boxes = [...document.querySelectorAll(selector)]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
    .filter((el) => !clipped(el))
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width > 1 && r.height > 1);
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 0.5 && h > 0.5) {
        found.push(a.el.outerHTML.slice(0, 80) + " × " + b.el.outerHTML.slice(0, 80));
      }
    }
  }
  return found;
}"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _steward_with_situations() -> User:
    organisation = Organisation.objects.create(
        name="SAJ Echo", sector=Sector.YOUTH_AID, region=Region.BRUSSELS
    )
    steward = make_user("echo@example.org", organisation=organisation, org_role=OrgRole.STEWARD)
    long_forms = ["prostitution", "online_sextortion", "trafficking_sexual", "travel_tourism"]
    for number in range(1, 4):
        situation_create(
            actor=steward,
            organisation=organisation,
            data=valid_data(
                reference=f"DOSSIER-2025-000{number}-BRUXELLES",
                forms=long_forms if number == 1 else ["prostitution"],
                age_years=10 + number,
            ),
        )
    return steward


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_it_lays_the_list_out_without_overlap_or_sideways_scroll(
    page: Page, live_server: LiveServer, width: int, height: int
) -> None:
    steward = _steward_with_situations()
    browser_sign_in(page, live_server, steward)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + "/situations/")
    page.wait_for_selector("table.situation-list tbody tr")
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.evaluate(OVERLAPS) == []
    if width == 1280:
        # References and months stay on one line on a laptop screen.
        for cell in page.locator("td.ref a, td.month").all():
            assert cell.evaluate("(el) => el.getClientRects().length") == 1
    assert_no_serious_axe_violations(page)
