"""axe-core finds no WCAG 2.0/2.1/2.2 A and AA violation on any page a person uses: the
same pages the Content-Security-Policy test opens (visitor, member, staff, the API docs
included), each at 1280 px and at 390 px (a phone), in the light and the dark theme.

axe-core is the official minified build that the `axe-playwright-python` package ships
(pinned in requirements-dev.txt); it is evaluated in each page as Playwright's own script,
which the page's CSP does not apply to. One browser and one tab per persona: each page is
loaded once and audited four times (viewport and colour scheme change in place).
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import pytest

from tests.e2e import test_content_security_policy as csp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

forum = csp.forum  # the same community on every page (a fixture shared with the CSP test)

AXE_SOURCE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = [(1280, 900), (390, 844)]
SCHEMES = ["light", "dark"]
#: Django's own admin is not Hearth's page: its templates and CSS are Django's.
NOT_OURS = ("/admin/",)

RUN_AXE = """async ([tags, theme]) => {
  // The theme as the theme button sets it (the same colours as the system preference's);
  // the few colour transitions it starts are finished: axe reads where they end.
  document.documentElement.setAttribute("data-theme", theme);
  document.getAnimations().forEach((animation) => animation.finish());
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary),
  }));
}"""


def check(page: Any, label: str) -> list[str]:
    """The violations on the open page, at each width and in each theme, one line each."""
    found: list[str] = []
    page.evaluate(AXE_SOURCE)
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            for violation in page.evaluate(RUN_AXE, [TAGS, scheme]):
                found.append(
                    f"{label} {width}px {scheme}: {violation['id']} ({violation['help']}) "
                    + " | ".join(violation["nodes"])
                )
    return found


def audit(page: Any, pages: list[tuple[str, int]]) -> list[str]:
    """Every violation on every page (each loaded once), in every viewport and theme."""
    found: list[str] = []
    for path, _status in pages:
        if path.startswith(NOT_OURS):
            continue
        page.set_viewport_size({"width": VIEWPORTS[0][0], "height": VIEWPORTS[0][1]})
        page.emulate_media(color_scheme=SCHEMES[0])
        page.goto(path, wait_until="networkidle")
        found += check(page, path)
    return found


def test_the_audit_reports_a_violation_in_every_viewport_and_theme(new_page, forum):
    page = new_page()
    page.goto("/", wait_until="networkidle")
    page.evaluate(
        """() => {
          const image = document.createElement("img");
          image.src = "/static/img/favicon.svg";
          document.querySelector("main").append(image);
        }"""
    )

    found = check(page, "/")

    assert [line.split(": ")[1].split(" ")[0] for line in found] == ["image-alt"] * 4
    assert [line.split(":")[0] for line in found] == [
        "/ 1280px light",
        "/ 1280px dark",
        "/ 390px light",
        "/ 390px dark",
    ]


def test_visitor_pages_have_no_accessibility_violation(new_page, forum):
    page = new_page()

    found = audit(page, csp.visitor_pages(forum))

    assert found == [], "\n".join(found)


def test_member_pages_have_no_accessibility_violation(new_page, sign_in, forum):
    page = new_page()
    sign_in(page, forum["member"].email)

    found = audit(page, csp.member_pages(forum))

    assert found == [], "\n".join(found)


def test_staff_pages_have_no_accessibility_violation(new_page, sign_in, forum):
    page = new_page()
    sign_in(page, forum["staff"].email)

    found = audit(page, csp.staff_pages(forum))

    assert found == [], "\n".join(found)
