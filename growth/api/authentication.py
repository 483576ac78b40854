"""Who is asking: a personal token, or the session of someone signed in."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.tokens import api_token_for_secret, api_token_used

KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>`` (or ``Token <token>``).

    An unknown, revoked or malformed token, or one of a person who left, is
    a 401 with the same words: the answer tells nothing about which.
    """

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send one token after Bearer.")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("That token does not work.") from None
        token = api_token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed("That token does not work.")
        api_token_used(token=token, now=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        # Makes a request without credentials a 401, not a 403.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from your profile page.",
        }
