"""Assessments and readiness, as a matrix: every person against every object,
with and without the engineer sharing with their mentors."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from growth import policy
from growth.models import (
    Assessment,
    AssessmentRole,
    Readiness,
    ReadinessStatus,
)

pytestmark = pytest.mark.django_db

Y, N = True, False
NOW = datetime.datetime(2026, 11, 30, 9, tzinfo=datetime.UTC)

PEOPLE = ("alice", "mia", "max", "olivia", "skip", "bob", "carol", "cora", "staff")

# Who reads each object of alice's: (not sharing, sharing with mentors).
# fmt: off
READS = {
    #                 alice mia  max  olivia skip bob  carol cora staff
    "self draft":     ((Y,  N,   N,   N,     N,   N,   N,    N,   N),
                       (Y,  N,   N,   N,     N,   N,   N,    N,   N)),
    "self shared":    ((Y,  Y,   N,   N,     N,   N,   N,    N,   N),
                       (Y,  Y,   Y,   N,     N,   N,   N,    N,   N)),
    "manager draft":  ((N,  Y,   N,   N,     N,   N,   N,    N,   N),
                       (N,  Y,   N,   N,     N,   N,   N,    N,   N)),
    "manager shared": ((Y,  Y,   N,   N,     N,   N,   N,    N,   N),
                       (Y,  Y,   Y,   N,     N,   N,   N,    N,   N)),
    "readiness draft": ((N, Y,   N,   N,     N,   N,   N,    N,   N),
                        (N, Y,   N,   N,     N,   N,   N,    N,   N)),
    "readiness shared": ((Y, Y,  N,   N,     N,   N,   N,    N,   N),
                         (Y, Y,  Y,   N,     N,   N,   N,    N,   N)),
}
# Who may write: start/edit the assessment of that role, write readiness.
WRITES = {
    "self":      (Y, N, N, N, N, N, N, N, N),
    "manager":   (N, Y, N, N, N, N, N, N, N),
    "readiness": (N, Y, N, N, N, N, N, N, N),
    "page":      (Y, Y, N, N, N, N, N, N, N),
}
# fmt: on


def _user(cast, name):
    return cast.staff if name == "staff" else getattr(cast, name).user


@pytest.fixture
def objects(cast):
    alice, level = cast.alice, cast.alice.level
    senior = level.next_level()

    def assessment(role, author, shared_at):
        return Assessment.objects.create(
            engineer=alice, role=role, author=author, level=level, shared_at=shared_at
        )

    return {
        "self draft": assessment(AssessmentRole.SELF, alice.user, None),
        "self shared": assessment(AssessmentRole.SELF, alice.user, NOW),
        "manager draft": assessment(AssessmentRole.MANAGER, cast.mia.user, None),
        "manager shared": assessment(AssessmentRole.MANAGER, cast.mia.user, NOW),
        "readiness draft": Readiness.objects.create(
            engineer=alice,
            level=senior,
            status=ReadinessStatus.GETTING_THERE,
            summary="s",
            author=cast.mia.user,
        ),
        "readiness shared": Readiness.objects.create(
            engineer=alice,
            level=senior.next_level(),
            status=ReadinessStatus.NOT_YET,
            summary="s",
            author=cast.mia.user,
            shared_at=NOW,
        ),
    }


def _cases():
    for name, (plain, shared) in READS.items():
        for sharing, row in ((False, plain), (True, shared)):
            for person, expected in zip(PEOPLE, row, strict=True):
                label = "sharing" if sharing else "private"
                yield pytest.param(
                    name, sharing, person, expected, id=f"{name}-{label}-{person}"
                )


@pytest.mark.parametrize(("name", "sharing", "person", "expected"), list(_cases()))
def test_who_reads_assessments_and_readiness(
    cast, objects, name, sharing, person, expected
):
    type(cast.alice).objects.filter(pk=cast.alice.pk).update(
        shares_assessments_with_mentors=sharing
    )
    obj = objects[name]
    qs = type(obj).objects.filter(pk=obj.pk)
    visible = qs.visible_to(_user(cast, person)).exists()
    assert visible is expected


def _write_cases():
    for what, row in WRITES.items():
        for person, expected in zip(PEOPLE, row, strict=True):
            yield pytest.param(what, person, expected, id=f"{what}-{person}")


@pytest.mark.parametrize(("what", "person", "expected"), list(_write_cases()))
def test_who_writes(cast, what, person, expected):
    access = policy.access_of(_user(cast, person))
    alice = cast.alice
    if what == "readiness":
        assert policy.may_write_readiness(access, alice.pk) is expected
    elif what == "page":
        assert policy.may_read_framework_of(access, alice) is expected
    else:
        assert (policy.assessment_role_of(access, alice.pk) == what) is expected


def test_a_mentor_reads_the_page_only_while_shared_and_active(cast):
    alice = cast.alice
    alice.shares_assessments_with_mentors = True
    for name, expected in (("max", True), ("olivia", False), ("bob", False)):
        access = policy.access_of(_user(cast, name))
        assert policy.may_read_framework_of(access, alice) is expected, name


def test_only_the_author_edits_a_draft_and_nobody_a_shared_one(cast, objects):
    qs = Assessment.objects.all()
    for person in PEOPLE:
        editable = set(
            policy.assessments_editable_by(_user(cast, person), qs).values_list(
                "pk", flat=True
            )
        )
        expected = {
            "alice": {objects["self draft"].pk},
            "mia": {objects["manager draft"].pk},
        }.get(person, set())
        assert editable == expected, person


def test_a_former_managers_draft_is_nobodys(cast, objects):
    """Alice moves to max's team: mia's draft goes dark, and her new manager
    does not read it either."""
    draft = objects["manager draft"]
    type(cast.alice).objects.filter(pk=cast.alice.pk).update(manager=cast.max)
    for person in PEOPLE:
        qs = Assessment.objects.filter(pk=draft.pk).visible_to(_user(cast, person))
        assert not qs.exists(), person


def test_a_former_managers_readiness_draft_is_nobodys(cast):
    """As for assessments: mia's unshared summary goes dark when alice moves
    to max, and max starts his own; what mia shared, max reads."""
    level = cast.alice.level
    draft = Readiness.objects.create(
        engineer=cast.alice,
        level=level.next_level(),
        summary="Mia's first thoughts",
        author=cast.mia.user,
    )
    type(cast.alice).objects.filter(pk=cast.alice.pk).update(manager=cast.max)
    for person in PEOPLE:
        user = _user(cast, person)
        assert not Readiness.objects.filter(pk=draft.pk).visible_to(user).exists()
        assert policy.readiness_about(user, cast.alice.pk).drafts_by in (
            None,
            user.pk,
        )
    Readiness.objects.filter(pk=draft.pk).update(shared_at=timezone.now())
    assert Readiness.objects.visible_to(cast.max.user).filter(pk=draft.pk).exists()


def test_only_the_engineer_sets_sharing(cast):
    for person in PEOPLE:
        access = policy.access_of(_user(cast, person))
        expected = person == "alice"
        assert policy.may_set_assessment_sharing(access, cast.alice.pk) is expected


def test_the_inactive_and_anonymous_read_nothing(cast, objects):
    from django.contrib.auth.models import AnonymousUser

    mia = cast.mia.user
    mia.is_active = False
    mia.save()
    for who in (AnonymousUser(), mia):
        assert not Assessment.objects.visible_to(who).exists()
        assert not Readiness.objects.visible_to(who).exists()


@pytest.mark.parametrize("sharing", [False, True])
@pytest.mark.parametrize("person", PEOPLE)
def test_readiness_about_one_engineer_is_the_visible_readiness(
    cast, objects, person, sharing
):
    type(cast.alice).objects.filter(pk=cast.alice.pk).update(
        shares_assessments_with_mentors=sharing
    )
    user = _user(cast, person)
    about = policy.readiness_about(user, cast.alice.pk)
    narrowed = {
        r.pk
        for r in Readiness.objects.filter(engineer=cast.alice)
        if (about.drafts_by is not None and r.author_id == about.drafts_by)
        or (about.shared and r.shared_at and (sharing or not about.if_sharing))
    }
    visible = Readiness.objects.visible_to(user).filter(engineer=cast.alice)
    assert narrowed == {r.pk for r in visible}
