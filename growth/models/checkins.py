"""1:1s and mentoring conversations, their action items, and the talking
points either person puts on the agenda of the next one."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from growth.models import limits
from growth.models.limits import LimitedCharField, LimitedTextField, within_limits


class CheckInKind(models.TextChoices):
    ONE_ON_ONE = "one_on_one", "1:1"
    MENTORING = "mentoring", "Mentoring"

    @property
    def noun(self) -> str:
        """The kind inside a sentence: "Log a 1:1", "Log a mentoring check-in"."""
        return "1:1" if self is CheckInKind.ONE_ON_ONE else "mentoring check-in"


class CheckInQuerySet(models.QuerySet):
    def visible_to(self, user):
        from growth import policy

        return policy.check_ins_visible_to(user, self)

    def editable_by(self, user):
        from growth import policy

        return policy.check_ins_editable_by(user, self)


class CheckIn(models.Model):
    """A conversation between an engineer and their manager or mentor."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="check_ins_held",
        help_text="The manager or mentor who held it.",
    )
    engineer = models.ForeignKey(
        "growth.Engineer",
        on_delete=models.CASCADE,
        related_name="check_ins",
        help_text="The report or mentee.",
    )
    kind = models.CharField(max_length=20, choices=CheckInKind.choices)
    mentorship = models.ForeignKey(
        "growth.Mentorship",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="check_ins",
    )
    held_on = models.DateField(default=timezone.localdate)
    notes = LimitedTextField(
        max_length=limits.CHECK_IN_NOTES,
        blank=True,
        help_text="Shared notes: the engineer, their manager and, for mentoring, their mentors read them.",
    )
    private_notes = LimitedTextField(
        max_length=limits.CHECK_IN_PRIVATE_NOTES,
        blank=True,
        help_text="The author's own notes: no page, export or email shows them to "
        "anyone else, not even the engineer.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "check-in"
        indexes = [
            models.Index(
                fields=["engineer", "kind", "-held_on"], name="checkin_engineer_recent"
            ),
            models.Index(
                fields=["mentorship", "-held_on"], name="checkin_mentorship_recent"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=CheckInKind.MENTORING, mentorship__isnull=False)
                | Q(kind=CheckInKind.ONE_ON_ONE, mentorship__isnull=True),
                name="checkin_mentoring_has_mentorship",
                violation_error_message=(
                    "A mentoring check-in belongs to a mentorship; a 1:1 does not."
                ),
            ),
            within_limits(
                "checkin_text_within_limits",
                notes=limits.CHECK_IN_NOTES,
                private_notes=limits.CHECK_IN_PRIVATE_NOTES,
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} with {self.engineer} on {self.held_on:%Y-%m-%d}"
        )

    def clean(self):
        super().clean()
        if self.kind == CheckInKind.MENTORING and not self.mentorship_id:
            raise ValidationError(
                {"mentorship": "Pick the mentorship this check-in belongs to."}
            )
        if self.kind == CheckInKind.ONE_ON_ONE and self.mentorship_id:
            raise ValidationError(
                {"mentorship": "A 1:1 does not belong to a mentorship."}
            )
        if (
            self.mentorship_id
            and self.engineer_id
            and self.mentorship.mentee_id != self.engineer_id
        ):
            raise ValidationError(
                {"engineer": "The engineer must be the mentorship's mentee."}
            )

    @property
    def kind_noun(self) -> str:
        return CheckInKind(self.kind).noun


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def visible_to(self, user):
        from growth import policy

        return policy.action_items_visible_to(user, self)

    def owned_by(self, user):
        from growth import policy

        return policy.action_items_owned_by(user, self)

    def toggleable_by(self, user):
        from growth import policy

        return policy.action_items_toggleable_by(user, self)

    def editable_by(self, user):
        from growth import policy

        return policy.action_items_editable_by(user, self)


class ActionItem(models.Model):
    """Something agreed in a check-in, for one of its two people to do; open
    ones move on to the pair's next check-in."""

    check_in = models.ForeignKey(
        CheckIn, on_delete=models.CASCADE, related_name="action_items"
    )
    description = LimitedCharField(max_length=limits.ACTION_ITEM)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items_owned",
        help_text="Who does it: the engineer or the check-in's author. Empty when "
        "its owner's account was erased: the engineer then ticks it off.",
    )
    due_on = models.DateField("due", null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # "My open action items": a handful of rows among everyone's.
            models.Index(
                fields=["owner"],
                condition=Q(done_at__isnull=True),
                name="actionitem_open_by_owner",
            ),
        ]
        constraints = [
            within_limits(
                "actionitem_text_within_limits", description=limits.ACTION_ITEM
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class AgendaItemQuerySet(models.QuerySet):
    def open(self):
        """Points no check-in has discussed yet: the next one's agenda."""
        return self.filter(discussed_in__isnull=True)

    def of_pair(self, *, engineer_id: int, kind: str, mentorship_id: int | None):
        """The points of one pair: an engineer's 1:1s, or one mentorship."""
        if kind == CheckInKind.MENTORING:
            return self.filter(kind=kind, mentorship_id=mentorship_id)
        return self.filter(engineer_id=engineer_id, kind=kind)

    def visible_to(self, user):
        from growth import policy

        return policy.agenda_items_visible_to(user, self)

    def removable_by(self, user):
        from growth import policy

        return policy.agenda_items_removable_by(user, self)


class AgendaItem(models.Model):
    """A talking point for the next 1:1 or mentoring check-in of a pair.

    A pair is an engineer's 1:1s (with whoever manages them) or one mentorship.
    Either of its two people adds points before they meet; logging the next
    check-in marks the ones talked about as discussed in it, and the rest wait
    for the one after.
    """

    engineer = models.ForeignKey(
        "growth.Engineer",
        on_delete=models.CASCADE,
        related_name="agenda_items",
        help_text="The report or mentee the pair meets about.",
    )
    kind = models.CharField(max_length=20, choices=CheckInKind.choices)
    mentorship = models.ForeignKey(
        "growth.Mentorship",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="agenda_items_added",
    )
    text = LimitedCharField("talking point", max_length=limits.AGENDA_ITEM)
    created_at = models.DateTimeField(default=timezone.now)
    # Not CASCADE: a check-in deleted in the admin puts its points back on
    # the agenda rather than taking away what the engineer wrote.
    discussed_in = models.ForeignKey(
        CheckIn,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        help_text="The check-in that talked about it; empty while it waits.",
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["engineer", "kind", "mentorship"],
                condition=Q(discussed_in__isnull=True),
                name="agendaitem_open_by_pair",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=CheckInKind.MENTORING, mentorship__isnull=False)
                | Q(kind=CheckInKind.ONE_ON_ONE, mentorship__isnull=True),
                name="agendaitem_mentoring_has_mentorship",
                violation_error_message=(
                    "A mentoring talking point belongs to a mentorship; a 1:1's does not."
                ),
            ),
            within_limits("agendaitem_text_within_limits", text=limits.AGENDA_ITEM),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        if (
            self.mentorship_id
            and self.engineer_id
            and self.mentorship.mentee_id != self.engineer_id
        ):
            raise ValidationError(
                {"engineer": "The engineer must be the mentorship's mentee."}
            )

    @property
    def kind_noun(self) -> str:
        return CheckInKind(self.kind).noun
