"""Production settings pass Django's deploy checks; every page carries the CSP,
and what people write is always escaped."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_finds_nothing_in_production(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="growth.settings",
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="cultivate.example.com",
        CULTIVATE_VAR_DIR=str(tmp_path / "var"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["login", "my-growth"])
def test_every_page_carries_a_strict_content_security_policy(client, cast, signed_in):
    if signed_in:
        client.force_login(cast.alice.user)
        response = client.get(reverse("my-growth"))
    else:
        response = client.get(reverse("login"))
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_what_people_write_is_escaped(client, cast):
    script = "<script>alert('owned')</script>"
    note = factories.make_note(cast.mia.user, cast.alice, behaviour=script)
    client.force_login(cast.alice.user)
    for url in (reverse("feedback-detail", args=[note.pk]), reverse("my-growth")):
        page = client.get(url).content.decode()
        assert script not in page, url
        assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in page, url


def test_no_template_marks_text_safe():
    """Autoescaping is never switched off on a page (plain-text emails aside)."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"\|\s*safe\b|\|\s*safeseq\b", text):
            offenders.append(str(template.relative_to(ROOT)))
        if "{% autoescape off %}" in text and "email" not in template.name:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []
