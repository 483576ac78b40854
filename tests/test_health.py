"""/healthz: 200 when the database and broker answer, 503 when one does not."""

import datetime
import os
import socket

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from growth import reminders
from growth.models import ReminderRule
from growth.views.health import last_sweep

pytestmark = pytest.mark.django_db


def dead_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def filesystem_broker(settings, tmp_path):
    queue = tmp_path / "queue"
    queue.mkdir()
    settings.CELERY_BROKER_URL = "filesystem://localhost//"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(queue)}
    return queue


def write_sweep(var_dir, moment):
    ReminderRule.objects.update(last_swept_at=moment)


def test_a_sweep_records_when_it_ran(var_dir):
    assert last_sweep() is None
    moment = timezone.now()
    reminders.sweep(now=moment)
    assert last_sweep() == moment


def test_it_is_public_and_up_with_the_filesystem_broker(
    client, var_dir, filesystem_broker
):
    now = timezone.now()
    write_sweep(var_dir, now - datetime.timedelta(minutes=5))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert (body["database"], body["broker"]) == ("up", "up")
    assert "cache" not in body  # there is no page cache to report on
    assert body["sweep"]["state"] == "recent"
    assert "no-cache" in response["Cache-Control"]


def test_it_is_down_when_the_filesystem_broker_folder_is_not_writable(
    client, var_dir, settings, tmp_path
):
    settings.CELERY_BROKER_URL = "filesystem://localhost//"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path / "missing")
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


def test_it_is_down_when_redis_does_not_answer(client, var_dir, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{dead_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("down", "up", "down")
    assert "127.0.0.1" not in response.content.decode()


def test_it_is_down_when_the_database_does_not_answer(
    client, var_dir, filesystem_broker, monkeypatch
):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert (response.json()["database"], response.json()["broker"]) == ("down", "up")


def test_a_stale_sweep_is_reported_but_still_healthy(
    client, var_dir, filesystem_broker
):
    last = timezone.now() - datetime.timedelta(minutes=46)
    write_sweep(var_dir, last)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["sweep"] == {"state": "stale", "last": last.isoformat()}


def test_a_sweep_that_never_ran_is_unknown(client, var_dir, filesystem_broker):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["sweep"] == {"state": "unknown", "last": None}


def test_only_get_is_allowed(client, var_dir, filesystem_broker):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.service("redis")
def test_it_is_up_with_a_real_redis(client, var_dir, settings):
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "up"
