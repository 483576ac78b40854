"""`make run` seeds with --if-empty: a database of a real organisation is left alone."""

import io

import pytest
from django.core.management import call_command

from growth.models import Engineer
from tests import factories

pytestmark = pytest.mark.django_db


def test_if_empty_leaves_a_database_with_its_own_engineers_alone():
    factories.make_engineer("Only Person")
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", "--password", "pw-12345678", stdout=out)
    assert "no demo was added" in out.getvalue()
    assert Engineer.objects.count() == 1


def test_if_empty_seeds_an_empty_database():
    call_command(
        "seed_demo", "--if-empty", "--password", "pw-12345678", stdout=io.StringIO()
    )
    assert Engineer.objects.filter(user__email="engineer@example.com").exists()
