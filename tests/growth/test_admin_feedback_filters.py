"""The feedback notes changelist renders its filters in Python
(``FeedbackNoteChangeList.filters_html``): they must read exactly as the
admin's ``admin_list_filter`` tag renders them through ``admin/filter.html``."""

import pytest
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.urls import reverse
from django.utils import timezone

import growth.admin.changelist
from accounts.models import Team
from tests import factories
from tests.pages import read

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:growth_feedbacknote_changelist")


@pytest.fixture
def notes(cast):
    """A note to find, and a team whose name needs escaping."""
    Team.objects.create(name='R&D "<b>" team')
    return [
        factories.make_note(cast.mia.user, cast.alice),
        factories.make_note(
            cast.skip.user, cast.bob, acknowledged_at=timezone.now(), competency=None
        ),
    ]


def admins_filters(cl) -> str:
    return "".join(admin_list_filter(cl, spec) for spec in cl.filter_specs)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"kind__exact": "technical", "acknowledged": "no"},
        {"created_at__gte": "2000-01-01 00:00:00+00:00", "q": "alice"},
        {"competency__isnull": "True"},
        {"_facets": "True"},
    ],
)
def test_the_filters_read_as_the_admins_tag_renders_them(staff_client, notes, query):
    cl = staff_client.get(CHANGELIST, query).context["cl"]
    assert cl.filters_html == admins_filters(cl)
    assert "R&amp;D &quot;&lt;b&gt;&quot; team" in cl.filters_html


def test_a_team_filter_names_its_teams_in_one_query(staff_client, notes, cast):
    response = staff_client.get(CHANGELIST)
    team_filter = next(
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", None) == "engineer__team"
    )
    teams = list(Team.objects.order_by("name").values_list("pk", "name"))
    assert team_filter.lookup_choices == teams


def test_the_page_is_the_one_the_admins_filters_would_give(
    staff_client, notes, monkeypatch
):
    page = f"{CHANGELIST}?sentiment__exact=praise&deleted=no"
    ours = read(staff_client, page)
    monkeypatch.setattr(growth.admin.changelist, "_filter_html", admin_list_filter)
    assert read(staff_client, page) == ours
