import jwt
import requests
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation, ValidationError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.names import validate_display_name_free
from accounts.oidc import ProviderUnavailable, is_sign_on_attempt, provider_metadata


class SignInLockoutBackend(AxesStandaloneBackend):
    """Refuse a locked-out sign-in over HTTP (django-axes' lockout).

    ``authenticate()`` without a request (a shell, a management command, a
    test checking a password) has no address to lock out, so this backend
    lets the next one decide instead of raising as Axes' own does. Every
    sign-in page passes its request: Django's login view and the admin's.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class PasswordBackend(ModelBackend):
    """Django's password check; with ``PASSWORD_LOGIN=0``, for superusers only.

    Hiding the form is not enough: the admin's sign-in page and a hand-made
    POST reach the same check. A refused password reads like a wrong one,
    so nobody learns who is a superuser.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None and not settings.PASSWORD_LOGIN and not user.is_superuser:
            return None
        return user


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """Sign in a person the identity provider vouches for (OpenID Connect).

    The library checks state, nonce, PKCE and the token's signature; this adds
    what it leaves out (who issued the ID token, for whom, until when), links
    the identity to an existing account by verified email only, and refuses a
    closed account. Why it refused goes on ``request.oidc_refusal`` for the
    callback's page (accounts.oidc).
    """

    # Endpoints from discovery, credentials from settings, read when used.
    OIDC_OP_TOKEN_ENDPOINT = property(
        lambda self: provider_metadata()["token_endpoint"]
    )
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider_metadata()["jwks_uri"])
    OIDC_OP_USER_ENDPOINT = property(
        lambda self: provider_metadata().get("userinfo_endpoint")
    )
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # The library reads endpoints from settings here, at every request
        # that loads a session; ours come from discovery, when a sign-in needs them.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or not settings.OIDC_ENABLED:
            return None
        if not is_sign_on_attempt(kwargs):
            return None  # a password sign-in: not ours
        try:
            return super().authenticate(request, **kwargs)
        except ProviderUnavailable:
            return self._refuse("unavailable")
        except requests.HTTPError as error:
            # A 4xx from the token endpoint is a refused code (used, expired,
            # not ours, wrong verifier); a 5xx is a provider in trouble.
            status = error.response.status_code if error.response is not None else 500
            return self._refuse("failed" if status < 500 else "unavailable")
        except requests.RequestException:
            return self._refuse("unavailable")
        except (SuspiciousOperation, jwt.InvalidTokenError, KeyError, ValueError):
            return self._refuse("failed")

    def _refuse(self, reason: str) -> None:
        self.request.oidc_refusal = reason
        return None

    def _verify_jws(self, payload, key):
        """Check the signature, and that the token is from our issuer, for us, now."""
        client_id = settings.OIDC_CLIENT_ID
        claims = jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=client_id,
            issuer=settings.OIDC_ISSUER,
            leeway=60,  # clocks drift a little between us and the provider
            options={"require": ["iss", "aud", "sub", "exp", "iat"]},
        )
        audiences = claims["aud"] if isinstance(claims["aud"], list) else []
        if len(audiences) > 1 and claims.get("azp") != client_id:
            raise SuspiciousOperation("The token was issued to another party.")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            # OpenID Connect Core 5.3.2: userinfo about someone else is discarded.
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The user info is about someone else.")
            claims.update(userinfo)
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            return self._refuse("unverified")
        # Only an address the provider checked may stand for one of our people.
        if claims.get("email_verified") is not True:
            return self._refuse("unverified")
        user = self.UserModel.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            if not settings.OIDC_CREATE_USERS:
                return self._refuse("unknown")
            return self._create_user(email.strip().lower(), claims)
        if not self.user_can_authenticate(user):
            return self._refuse("inactive")
        engineer = getattr(user, "engineer", None)  # accounts does not import growth
        if engineer is not None and not engineer.is_active:
            return self._refuse("inactive")
        return user

    def _create_user(self, email: str, claims: dict):
        """Open an account only (no engineer profile: which team someone joins
        is for staff to say); the person lands on the no-profile page."""
        user = self.UserModel(email=email, display_name=_display_name(claims, email))
        try:
            validate_display_name_free(user)
        except ValidationError:
            # Someone active already goes by that name: tell them apart.
            user.display_name = f"{user.display_name} ({email})"[:150]
        user.set_unusable_password()
        user.save()
        return user

    def get_user(self, user_id):
        # The library's skips the is_active check Django's makes at every request.
        return ModelBackend.get_user(self, user_id)


def _display_name(claims: dict, email: str) -> str:
    name = claims.get("name") or " ".join(
        part for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    name = name.strip() if isinstance(name, str) else ""
    return (name or email.split("@")[0])[:150]
