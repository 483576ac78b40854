"""A real OpenID Connect provider for the tests, in a process of its own.

A test module that needs it says ``pytest_plugins = ["tests.oidc_support"]``
and asks for ``sso``: the provider (tests/oidc_provider, django-oidc-provider)
is started once per test session on a free loopback port and Cultivate is
configured with its issuer for the test. ``sso.sign_in`` plays the person at
the provider's own sign-in page and returns the redirect back to Cultivate.
(Test modules reach everything here through the fixtures, not by importing.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from accounts.oidc import forget_provider_metadata
from tests.oidc_provider import people

REPO = Path(__file__).resolve().parent.parent
CALLBACK_PATH = "/accounts/oidc/callback/"
# Django's test client calls itself testserver.
TEST_CLIENT_REDIRECT_URI = f"http://testserver{CALLBACK_PATH}"
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str = people.CLIENT_ID
    client_secret: str = people.CLIENT_SECRET
    password: str = people.PASSWORD

    def allow_redirect_uri(self, uri: str) -> None:
        """Let the provider send people back to ``uri`` (a live server's)."""
        response = requests.post(
            f"{self.issuer}/knobs/redirect-uri", data={"uri": uri}, timeout=10
        )
        response.raise_for_status()

    def configure(self, settings, **overrides) -> None:
        """Point Cultivate's single sign-on at ``provider`` (pytest-django ``settings``)."""
        settings.OIDC_ISSUER = self.issuer
        settings.OIDC_ENABLED = True
        settings.OIDC_CLIENT_ID = settings.OIDC_RP_CLIENT_ID = self.client_id
        settings.OIDC_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET = (
            self.client_secret
        )
        settings.OIDC_PROVIDER_NAME = "Test Provider"
        for name, value in overrides.items():
            setattr(settings, name, value)

    def sign_in(self, authorize_url: str, username: str) -> str:
        """Sign in at the provider as ``username``; return where it sends us back.

        A ``requests`` session plays the browser at the provider: the authorize
        request, the provider's own sign-in form, and its redirect to Cultivate,
        which is returned unfollowed.
        """
        browser = requests.Session()
        url = authorize_url
        for _ in range(6):
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code != 302:
                raise AssertionError(f"{url} answered {response.status_code}")
            url = urljoin(url, response.headers["Location"])
            if "/login/" in url:
                page = browser.get(url, timeout=10)
                token = re.search(
                    r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text
                )
                next_url = re.search(r'name="next" value="([^"]*)"', page.text)
                response = browser.post(
                    url,
                    data={
                        "csrfmiddlewaretoken": token.group(1),
                        "username": username,
                        "password": self.password,
                        "next": next_url.group(1).replace("&amp;", "&"),
                    },
                    allow_redirects=False,
                    timeout=10,
                )
                assert response.status_code == 302, "the provider refused the password"
                url = urljoin(url, response.headers["Location"])
            if url.startswith(TEST_CLIENT_REDIRECT_URI):
                return url
        raise AssertionError("the provider never sent us back")


def _start(db_path: Path) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.oidc_provider.serve",
            str(db_path),
            TEST_CLIENT_REDIRECT_URI,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first_line: list[str] = []
    reader = threading.Thread(
        target=lambda: first_line.append(process.stdout.readline()), daemon=True
    )
    reader.start()
    reader.join(STARTUP_SECONDS)
    line = first_line[0] if first_line else ""
    if not line.startswith("listening "):
        process.kill()
        output = line + (process.stdout.read() if process.poll() is not None else "")
        raise RuntimeError(f"the test OpenID provider did not start:\n{output}")
    # Keep draining its output so a chatty provider never blocks on a full pipe.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process, int(line.split()[1])


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> Provider:
    """The provider process, started once for the whole test session."""
    process, port = _start(tmp_path_factory.mktemp("oidc-provider") / "db.sqlite3")
    try:
        yield Provider(issuer=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def sso(settings, oidc_provider) -> Provider:
    """Single sign-on on, through the real provider, for one test."""
    forget_provider_metadata()
    oidc_provider.configure(settings)
    yield oidc_provider
    forget_provider_metadata()
