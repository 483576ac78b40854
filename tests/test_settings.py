"""The settings read the environment: embedded by default, real services on request."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from growth.settings import email_settings, env_bool, site_url_for

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
from django.conf import settings
import django
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "broker": settings.CELERY_BROKER_URL,
    "transport": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "email_backend": settings.EMAIL_BACKEND,
    "email_path": str(getattr(settings, "EMAIL_FILE_PATH", "")),
    "debug": settings.DEBUG,
    "session_engine": settings.SESSION_ENGINE,
    "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[1],
    "secret_key": settings.SECRET_KEY,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "site_url": settings.SITE_URL,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}))
"""


def load_settings(tmp_path, **env):
    """Import growth.settings in a fresh process with exactly this environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "DATABASE_URL",
                "REDIS_URL",
                "CACHE_URL",
                "CELERY_",
                "EMAIL_URL",
                "DJANGO_",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "CULTIVATE_",
                "BIND",
                "SITE_URL",
            )
        )
    }
    clean.update(
        CULTIVATE_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="growth.settings",
    )
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    return result


def test_it_runs_embedded_with_no_environment(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "var" / "cultivate.sqlite3")
    assert values["broker"] == "filesystem://localhost//"
    assert values["transport"]["data_folder_in"] == str(
        tmp_path / "var" / "celery" / "queue"
    )
    assert (tmp_path / "var" / "celery" / "queue").is_dir()
    assert values["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["email_path"] == str(tmp_path / "var" / "mail")
    assert values["session_engine"] == "accounts.sessions"
    # Nothing is cached on disk: Django's cache lives in each process's memory.
    assert values["cache"] == "LocMemCache"
    assert not (tmp_path / "var" / "cache").exists()


def test_it_uses_postgres_redis_and_smtp_when_told(tmp_path):
    result = load_settings(
        tmp_path,
        DATABASE_URL="postgres://app:secret@db.internal:5432/cultivate",
        REDIS_URL="redis://cache.internal:6379/1",
        EMAIL_URL="smtp://mailer:pw@smtp.internal:587?tls=1",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["name"], values["host"]) == ("cultivate", "db.internal")
    assert values["broker"] == "redis://cache.internal:6379/1"
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["cache"] == "LocMemCache"  # no page cache in Redis either


def test_celery_broker_url_wins_over_redis_url(tmp_path):
    result = load_settings(
        tmp_path, REDIS_URL="redis://a:6379/0", CELERY_BROKER_URL="redis://b:6379/2"
    )
    assert json.loads(result.stdout)["broker"] == "redis://b:6379/2"


def test_it_accepts_another_sqlite_file(tmp_path):
    result = load_settings(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'other.db'}")
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "other.db")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "cultivate.example.com"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set"),
        (
            {"SECRET_KEY": "short", "ALLOWED_HOSTS": "a.example"},
            "SECRET_KEY must be set",
        ),
    ],
    ids=["no-secret-key", "no-allowed-hosts", "short-secret-key"],
)
def test_production_refuses_to_start_without_its_secrets(tmp_path, env, message):
    result = load_settings(tmp_path, DJANGO_DEBUG="0", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_its_secrets(tmp_path):
    result = load_settings(
        tmp_path,
        DJANGO_DEBUG="0",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="cultivate.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_production_keeps_https_only_by_default(tmp_path):
    result = load_settings(
        tmp_path, DJANGO_DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="a.example"
    )
    values = json.loads(result.stdout)
    assert values["ssl_redirect"] is True
    assert values["hsts"] == 31536000
    assert values["secure_cookies"] == [True, True]


def run_env(**make_vars) -> dict[str, str]:
    """The environment `make run` serves with, as the Makefile spells it."""
    result = subprocess.run(
        ["make", "-s", "run-env", *(f"{k}={v}" for k, v in make_vars.items())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(line.split("=", 1) for line in result.stdout.splitlines())


needs_make = pytest.mark.skipif(not shutil.which("make"), reason="needs make")


@needs_make
def test_make_run_serves_without_debug_over_plain_http(tmp_path):
    env = run_env()
    assert env["SECRET_KEY_FILE"] == str(ROOT / "var" / "secret-key")
    key_file = tmp_path / "secret-key"
    key_file.write_text("k" * 60 + "\n")
    result = load_settings(tmp_path, **{**env, "SECRET_KEY_FILE": str(key_file)})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["secret_key"] == "k" * 60
    assert values["ssl_redirect"] is False
    assert values["hsts"] == 0
    assert values["secure_cookies"] == [False, False]
    assert {"127.0.0.1", "localhost"} <= set(values["allowed_hosts"])
    assert values["site_url"] == "http://127.0.0.1:8000"


@needs_make
def test_make_run_follows_bind_for_hosts_and_links(tmp_path):
    env = run_env(BIND="cultivate.lan:9000")
    key_file = tmp_path / "secret-key"
    key_file.write_text("k" * 60)
    result = load_settings(tmp_path, **{**env, "SECRET_KEY_FILE": str(key_file)})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert "cultivate.lan" in values["allowed_hosts"]
    assert values["site_url"] == "http://cultivate.lan:9000"


def test_a_missing_secret_key_file_is_refused_by_name(tmp_path):
    result = load_settings(
        tmp_path,
        DJANGO_DEBUG="0",
        SECRET_KEY_FILE=str(tmp_path / "nowhere"),
        ALLOWED_HOSTS="a.example",
    )
    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in result.stderr


def test_site_url_follows_bind_unless_given(tmp_path):
    values = json.loads(load_settings(tmp_path, BIND="127.0.0.1:8123").stdout)
    assert values["site_url"] == "http://127.0.0.1:8123"
    given = load_settings(
        tmp_path, BIND="0.0.0.0:8123", SITE_URL="https://cultivate.example.com/"
    )
    assert json.loads(given.stdout)["site_url"] == "https://cultivate.example.com"


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("localhost:9000", "http://localhost:9000"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("[::1]:8001", "http://[::1]:8001"),
        ("[::1]", "http://[::1]:8000"),
        ("example.lan", "http://example.lan:8000"),
        ("unix:/run/cultivate.sock", "http://127.0.0.1:8000"),
    ],
)
def test_site_url_for_reads_gunicorns_bind(bind, url):
    assert site_url_for(bind) == url


def test_a_bad_boolean_is_refused_by_name(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True


def test_email_url_parses_smtp_with_credentials_and_tls():
    values = email_settings("smtp://user%40corp:p%2Fw@mail.example.com:2525?tls=1")
    assert values["EMAIL_HOST"] == "mail.example.com"
    assert values["EMAIL_PORT"] == 2525
    assert values["EMAIL_HOST_USER"] == "user@corp"
    assert values["EMAIL_HOST_PASSWORD"] == "p/w"
    assert values["EMAIL_USE_TLS"] is True
    assert values["EMAIL_USE_SSL"] is False


def test_email_url_smtps_defaults_to_port_465():
    values = email_settings("smtps://mail.example.com")
    assert (values["EMAIL_PORT"], values["EMAIL_USE_SSL"]) == (465, True)


def test_email_url_file_writes_to_the_path():
    values = email_settings("file:///srv/mail")
    assert values["EMAIL_FILE_PATH"] == "/srv/mail"


def test_email_url_with_an_unknown_scheme_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must start with"):
        email_settings("http://mail.example.com")
