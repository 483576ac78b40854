"""Staff import people through the admin in Chromium: preview, confirm, and
the same file again; a file with bad rows shows them and writes nothing."""

from __future__ import annotations

import pytest

from accounts.models import User
from growth.models import Engineer
from tests.browser.test_axe import axe_findings, report
from tests.browser.test_csp import watch_violations
from tests.growth.test_people_import import dataset, people_rows

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def upload(page, path):
    page.goto("/admin/growth/engineer/")
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("File to import").set_input_files(str(path))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()


def totals(page) -> str:
    return " ".join(page.locator(".people-import-totals").inner_text().split())


def test_staff_import_500_people_then_again_then_a_file_with_bad_rows(
    cast, open_page, tmp_path
):
    rows = people_rows(500)
    good = tmp_path / "people.csv"
    good.write_text(dataset(rows).export("csv"), encoding="utf-8")
    page = open_page(cast.staff.email)
    violations = watch_violations(page)

    upload(page, good)
    assert totals(page).startswith(
        "500 to create, 0 to update, 0 unchanged, 0 refused."
    )
    assert "Teams to create: Team 0" in totals(page)
    assert not User.objects.filter(email="p000@example.com").exists()
    page.get_by_role("button", name="Confirm import").click()
    page.get_by_text("Imported: 500 created, 0 updated, 0 unchanged.").wait_for()
    assert Engineer.objects.filter(user__email__startswith="p").count() == 500

    upload(page, good)
    assert totals(page).startswith("0 to create, 0 to update, 500 unchanged")
    page.get_by_role("button", name="Confirm import").click()
    page.get_by_text("Imported: 0 created, 0 updated, 500 unchanged.").wait_for()

    rows[6][8] = "Mars/Olympus"
    rows[100][5] = "wizard"
    rows[400][3] = "nobody@example.com"
    rows[0][1] = "Renamed Person"  # would be an update, were the file whole
    bad = tmp_path / "bad.csv"
    bad.write_text(dataset(rows).export("csv"), encoding="utf-8")
    upload(page, bad)
    assert "3 refused" in totals(page)
    assert page.get_by_text("Nothing will be imported").is_visible()
    errors = page.locator(".people-import-errors li").all_inner_texts()
    assert [e.split(":")[0] for e in errors] == [
        "row 8, time_zone",
        "row 102, level",
        "row 402, manager_email",
    ]
    assert page.get_by_role("button", name="Confirm import").count() == 0
    assert not User.objects.filter(display_name="Renamed Person").exists()
    # Checked before axe, whose script draws inline styles of its own.
    assert violations == []

    findings = axe_findings(page)
    page.set_viewport_size({"width": 375, "height": 812})
    findings += axe_findings(page)
    assert not findings, report(findings)


def test_the_import_page_passes_axe_and_the_policy_at_phone_width(cast, open_page):
    page = open_page(cast.staff.email, width=375)
    violations = watch_violations(page)

    page.goto("/admin/growth/engineer/import/")
    page.wait_for_load_state("networkidle")
    page.goto("/admin/growth/engineer/export/")
    page.wait_for_load_state("networkidle")
    # Checked before axe, whose script draws inline styles of its own.
    assert violations == []

    page.goto("/admin/growth/engineer/import/")
    findings = axe_findings(page)
    assert not findings, report(findings)
    assert page.get_by_role("link", name="Download a sample file (CSV)").is_visible()
