"""The accounts' free text has limits too: refused with a field error, and
by the database for a write that skips validation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from accounts.models import Team, User

pytestmark = pytest.mark.django_db


def test_a_team_description_over_2000_characters_is_a_field_error():
    team = Team(name="Platform", description="x" * 2001)

    with pytest.raises(ValidationError) as refused:
        team.full_clean()

    assert "description" in refused.value.message_dict


def test_a_team_description_of_2000_characters_is_kept_whole():
    team = Team.objects.create(name="Platform", description="x" * 2000)

    assert len(Team.objects.get(pk=team.pk).description) == 2000


def test_the_database_refuses_a_long_description_that_skipped_validation():
    team = Team.objects.create(name="Platform")

    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.filter(pk=team.pk).update(description="x" * 2001)


def test_the_database_refuses_a_display_name_over_150_characters():
    user = User.objects.create_user("ada@example.com", display_name="Ada")

    # PostgreSQL's varchar refuses it first; SQLite has only the check.
    with pytest.raises((DataError, IntegrityError)), transaction.atomic():
        User.objects.filter(pk=user.pk).update(display_name="x" * 151)
