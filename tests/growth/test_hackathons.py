"""Hackathons: teams, demos, and the learning logged when one is held."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from growth.models import Hackathon, HackathonTeam, LearningActivity, LearningKind
from growth.services import sessions as services
from tests.pages import fresh_queries

pytestmark = pytest.mark.django_db


def hackathon(cast, *, days_ago=1, days=2) -> Hackathon:
    first = timezone.localdate() - datetime.timedelta(days=days_ago)
    return services.hackathon_create(
        organiser=cast.cora,
        title="Developer experience",
        theme="Make CI faster",
        starts_on=first,
        ends_on=first + datetime.timedelta(days=days - 1),
        now=timezone.now(),
    )


def team(event, name, *members) -> HackathonTeam:
    made = services.hackathon_team_create(
        hackathon=event, name=name, engineer=members[0], now=timezone.now()
    )
    for member in members[1:]:
        services.hackathon_team_join(team=made, engineer=member)
    return made


def test_it_announces_a_hackathon_through_the_form(client, cast):
    client.force_login(cast.cora.user)
    today = timezone.localdate()
    response = client.post(
        reverse("hackathon-create"),
        {"title": "Winter hack", "theme": "", "starts_on": today, "ends_on": today},
        follow=True,
    )
    assert "Announced “Winter hack”" in response.content.decode()
    assert Hackathon.objects.get().organiser == cast.cora


def test_a_person_is_in_one_team_a_hackathon(cast):
    event = hackathon(cast)
    red = team(event, "Red", cast.alice)
    blue = team(event, "Blue", cast.bob)
    services.hackathon_team_join(team=blue, engineer=cast.alice)
    assert list(red.members.all()) == []
    assert set(blue.members.all()) == {cast.alice, cast.bob}


def test_team_names_are_unique_in_a_hackathon(cast):
    event = hackathon(cast)
    team(event, "Red", cast.alice)
    with pytest.raises(ValidationError):
        team(event, "red", cast.bob)


def test_only_members_describe_their_demo(client, cast):
    event = hackathon(cast)
    red = team(event, "Red", cast.alice)
    url = reverse("hackathon-team-demo", args=[red.pk])
    client.force_login(cast.bob.user)
    assert client.get(url).status_code == 404
    client.force_login(cast.alice.user)
    response = client.post(
        url,
        {
            "demo_title": "Flaky test finder",
            "demo_link": "https://example.com/demo",
            "demo_summary": "Reruns failures",
        },
        follow=True,
    )
    assert "Flaky test finder" in response.content.decode()
    red.refresh_from_db()
    assert red.demo_link == "https://example.com/demo"


def test_a_demo_link_must_be_a_web_address(client, cast):
    red = team(hackathon(cast), "Red", cast.alice)
    client.force_login(cast.alice.user)
    client.post(
        reverse("hackathon-team-demo", args=[red.pk]),
        {"demo_title": "X", "demo_link": "javascript:alert(1)"},
    )
    red.refresh_from_db()
    assert red.demo_link == ""


def test_marking_held_logs_one_hackathon_activity_for_every_member(client, cast):
    event = hackathon(cast, days=2)
    team(event, "Red", cast.alice, cast.bob)
    team(event, "Blue", cast.carol)
    client.force_login(cast.cora.user)
    for _ in range(2):  # marking again keeps one activity
        client.post(reverse("hackathon-held", args=[event.pk]))
    activity = LearningActivity.objects.get(kind=LearningKind.HACKATHON)
    assert activity.led_by == cast.cora
    assert set(activity.attendees.all()) == {cast.alice, cast.bob, cast.carol}
    assert activity.hours == 15
    event.refresh_from_db()
    assert event.held and event.activity == activity


def test_only_the_organiser_marks_it_held(client, cast):
    event = hackathon(cast)
    client.force_login(cast.alice.user)
    assert client.post(reverse("hackathon-held", args=[event.pk])).status_code == 404
    assert not LearningActivity.objects.exists()


def test_a_hackathon_to_come_cannot_be_held(cast):
    event = hackathon(cast, days_ago=-5)
    with pytest.raises(ValidationError):
        services.hackathon_mark_held(
            hackathon=event, logged_by=cast.cora.user, now=timezone.now()
        )


def test_the_teams_are_closed_once_held(cast):
    event = hackathon(cast)
    red = team(event, "Red", cast.alice)
    services.hackathon_mark_held(
        hackathon=event, logged_by=cast.cora.user, now=timezone.now()
    )
    with pytest.raises(ValidationError):
        services.hackathon_team_join(team=red, engineer=cast.bob)


@pytest.mark.parametrize("name", ["hackathon-list", "hackathon-detail"])
def test_the_pages_cost_the_same_however_many_teams(client, cast, name):
    event = hackathon(cast)
    people = [cast.alice, cast.bob, cast.carol, cast.mia, cast.max, cast.skip]
    client.force_login(cast.cora.user)
    url = reverse(name, args=[event.pk] if name == "hackathon-detail" else [])
    team(event, "T0", people[0])
    small = fresh_queries(client, url)
    for i in range(1, 6):
        team(event, f"T{i}", people[i])
        hackathon(cast)
    assert fresh_queries(client, url) == small
