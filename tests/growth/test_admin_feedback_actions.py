"""The feedback notes changelist builds its actions' select in Python
(``growth.admin.changelist.PlainSelect``): it must read exactly as Django's ``Select``
renders it through its templates."""

import pytest
from django import forms
from django.contrib.admin.helpers import ActionForm
from django.urls import reverse

from growth.admin.changelist import PlainSelect
from growth.admin.feedback import FeedbackNoteAdmin
from tests import factories
from tests.pages import read

CHANGELIST = reverse("admin:growth_feedbacknote_changelist")

CHOICES = [
    ("", "---------"),
    ("export_csv", "Export selected notes as CSV"),
    ('say "<hi>"', "Tom & Jerry's <b>action</b>"),
    (3, "a number"),
]


@pytest.mark.parametrize("value", [None, "", "export_csv", 'say "<hi>"', "3"])
@pytest.mark.parametrize(
    "attrs", [None, {"required": True}, {"class": 'a "b"', "disabled": False}]
)
def test_the_select_reads_as_djangos(value, attrs):
    ours = PlainSelect(choices=CHOICES).render("action", value, attrs)
    djangos = forms.Select(choices=CHOICES).render("action", value, attrs)
    assert ours == djangos


def test_a_select_with_groups_is_left_to_the_templates():
    grouped = [("Notes", [("restore", "Restore")]), ("", "---------")]
    ours = PlainSelect(choices=grouped).render("action", "restore")
    assert ours == forms.Select(choices=grouped).render("action", "restore")
    assert "<optgroup" in ours


@pytest.mark.django_db
def test_the_page_is_the_one_djangos_action_form_would_give(client, cast, monkeypatch):
    factories.make_note(cast.mia.user, cast.alice)
    client.force_login(cast.staff)
    ours = read(client, CHANGELIST)
    assert 'value="restore"' in ours[1]
    monkeypatch.setattr(FeedbackNoteAdmin, "action_form", ActionForm)
    assert read(client, CHANGELIST) == ours
