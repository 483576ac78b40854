import functools
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


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
        ]

    def __str__(self):
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name.split(" ")[0] if self.display_name else self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Team(models.Model):
    """A team of engineers; cross-team views group by it."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
