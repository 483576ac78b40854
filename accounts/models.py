import functools
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.names import validate_display_name_free


@functools.cache
def _time_zone_names() -> frozenset[str]:
    # Reading the tz database takes milliseconds; it does not change while we run.
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _time_zone_names():
        raise ValidationError(
            "%(value)s is not a known time zone; use a name like Europe/Paris.",
            code="invalid_time_zone",
            params={"value": value},
        )


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(_time_zone_names())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Every user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if (
            extra_fields["is_staff"] is not True
            or extra_fields["is_superuser"] is not True
        ):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Email is the login, matched without regard to case.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in; their email is the login."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=150, help_text="How colleagues see your name."
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        choices=time_zone_choices,
        validators=[validate_time_zone],
        help_text="Reminders arrive in the morning of this time zone.",
    )
    is_active = models.BooleanField(
        default=True,
        help_text="Unset this instead of deleting the account of someone who left.",
    )
    is_staff = models.BooleanField(
        default=False, help_text="Staff may sign in to the admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    session_generation = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised to sign the person out everywhere (accounts.sessions).",
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["display_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="accounts_user_email_ci_unique"
            ),
            # SQLite does not hold a varchar to its length; this does.
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("display_name"), 150)),
                name="accounts_user_display_name_limit",
            ),
        ]

    def __str__(self):
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        validate_display_name_free(self)

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name.split(" ")[0] if self.display_name else self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    # Django signs each session with a hash of the password, so a new password
    # signs out every other session. The generation joins it for closing an
    # account: raising it (``accounts.sessions.user_sessions_end``) flushes, at
    # its next request, any session whose row was not there to delete.
    def get_session_auth_hash(self):
        return self._session_auth_hash()

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_auth_hash(secret=secret)

    def _session_auth_hash(self, secret=None) -> str:
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Session(AbstractBaseSession):
    """A signed-in session that knows whose it is, so closing an account can
    delete its sessions at once (``accounts.sessions``)."""

    # No constraint in the database: a session saved just after its user was
    # deleted must not fail the request. Deleting a user through Django still
    # deletes their sessions.
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="sessions",
    )

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore


class NameChange(models.Model):
    """One change of a person's display name: what it was, what it became,
    who changed it and when. Nothing edits or deletes a change but erasure."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="name_changes"
    )
    old_name = models.CharField(max_length=150)
    new_name = models.CharField(max_length=150)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the person who changed it was erased.",
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.old_name} → {self.new_name}"


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def validate_webhook_url(url: str) -> None:
    """Refuse a webhook that is not HTTPS: it carries a secret in its path.

    Plain HTTP to this machine's loopback, which never leaves it, only where
    ``TEAMS_WEBHOOK_ALLOW_LOOPBACK`` is on (the tests, whose fake Teams server
    listens there): in production a team's posts never go to a local port.
    """
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    loopback_allowed = getattr(settings, "TEAMS_WEBHOOK_ALLOW_LOOPBACK", False)
    if loopback_allowed and parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    raise ValidationError(
        "Use the https:// address Teams gave you.", code="webhook_not_https"
    )


class Team(models.Model):
    """A team of engineers; cross-team views group by it."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(
        blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    teams_webhook_url = models.URLField(
        "Microsoft Teams webhook",
        max_length=1000,
        blank=True,
        validators=[validate_webhook_url],
        help_text="A Teams Workflows URL (“Post to a channel when a webhook request "
        "is received”): the team's channel gets its weekly digest, learning "
        "sessions and public praise. Keep it secret: anyone with it can post.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # The backstop for writes that skip validation; growth's models
            # keep their limits the same way (growth/models/limits.py).
            models.CheckConstraint(
                condition=Q(
                    LessThanOrEqual(Length("name"), 100),
                    LessThanOrEqual(Length("description"), 2000),
                ),
                name="accounts_team_text_limits",
            ),
        ]

    def __str__(self):
        return self.name


class InvitationState(models.TextChoices):
    OPEN = "open", "Open"
    USED = "used", "Used"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class InvitationQuerySet(models.QuerySet):
    def open(self, *, now):
        """Invitations whose link still works at ``now``."""
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        )


class Invitation(models.Model):
    """An emailed link that lets a new person choose their password (or sign
    in with single sign-on) once, within ``INVITATION_DAYS``.

    Only a hash of the link's token is kept: the token itself lives in the
    email alone, so a copy of the database opens no account. Resending makes
    a new invitation (and so a new link) and revokes the open one.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when nobody (an import) or a person since erased invited.",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mail server took the email."
    )
    send_error = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why the email could not be sent; resend it once that is fixed.",
    )
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    renewal_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person, holding a link that no longer works, asked "
        "for a new one.",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One link that works per person: a new invitation revokes the old.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_user",
            ),
        ]

    def __str__(self):
        return f"Invitation to {self.user}"

    def state(self, *, now) -> InvitationState:
        if self.used_at is not None:
            return InvitationState.USED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.OPEN


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        """Tokens that still open the API: not revoked, of an active person."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal token for the JSON API, named by its owner.

    Only the secret's SHA-256 is kept (``accounts.tokens``): the owner sees the
    secret once, when it is made, so a copy of the database opens nobody's
    API. The prefix is its first characters, not secret, for finding the row
    and for telling one's tokens apart on the profile page and in the admin.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=100, help_text="What it is for: a script, a bot, a laptop."
    )
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("name"), 100)) & ~Q(name=""),
                name="accounts_apitoken_name_limit",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…) of {self.user}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
