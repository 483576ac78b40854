"""The project as a whole: checks, migrations, and the real services in CI."""

import io
import os
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from growth import celery_app


def test_system_checks_are_clean():
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # Exits with SystemExit(1) when a migration is missing.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.service("postgres")
@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_when_database_url_says_so():
    assert connection.vendor == "postgresql"


@pytest.mark.service("redis")
def test_the_celery_app_round_trips_a_message_through_redis():
    assert celery_app.conf.broker_url == os.environ["REDIS_URL"]
    queue_name = f"cultivate-test-{uuid.uuid4().hex}"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        queue = conn.SimpleQueue(queue_name)
        try:
            queue.put({"hello": "redis"})
            message = queue.get(timeout=5)
            message.ack()
            assert message.payload == {"hello": "redis"}
        finally:
            queue.clear()
            queue.close()
