"""The API's endpoints: thin, as the pages' views are.

Every queryset starts from the policy (``X.objects.visible_to(access)``), so
what one may not see is a 404 or absent from a list, never a 403. Creates go
through the pages' forms and services, once per ``Idempotency-Key``.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from growth.api import pagination, serializers
from growth.filters.feedback import FeedbackNoteFilter
from growth.forms.feedback import FeedbackNoteForm
from growth.models import (
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    Sentiment,
    Visibility,
)
from growth.policy import access_of
from growth.selectors import feedback as feedback_selectors
from growth.selectors.learning import learning_visible
from growth.services.feedback import feedback_comment_create, feedback_note_create
from growth.services.notifications import notifications_settle
from growth.services.submissions import create_once
from growth.views.links import url_with_id

# What a note's author chooses, but whom it is about (as the note page).
NOTE_FIELDS = tuple(f for f in FeedbackNoteForm.Meta.fields if f != "engineer")
NOTE_RELATED = ("author", "engineer__user", "competency")
PERSON_RELATED = ("user", "team", "level__track")

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any string up to 255 characters, new for each thing you make. "
    "Sending the same key again (a retry after a timeout) makes nothing new: "
    "the answer is what the first request made, with status 200.",
)
# The same key names the same submission as a form's key would: a UUID as
# it is, any other string mapped onto one.
IDEMPOTENCY_NAMESPACE = uuid.UUID("0c1f6a0e-5b7e-4f43-9a63-8f8a4a3a7d21")


def idempotency_key(request) -> uuid.UUID | None:
    raw = request.headers.get("Idempotency-Key", "").strip()
    if not raw:
        return None
    if len(raw) > 255:
        raise ApiValidationError({"Idempotency-Key": ["Keep it to 255 characters."]})
    try:
        return uuid.UUID(raw)
    except ValueError:
        return uuid.uuid5(IDEMPOTENCY_NAMESPACE, raw)


class ApiMixin:
    """Every endpoint: answered with a 401 (never the sign-in page) to who is
    not signed in, and with ``request.access`` built once the caller is known."""

    @classmethod
    def as_view(cls, **initkwargs):
        # The API answers for itself; LoginRequiredMiddleware would redirect.
        return login_not_required(super().as_view(**initkwargs))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        request.access = access_of(request.user)

    @property
    def access(self):
        # The schema's generator asks for querysets with a bare request.
        return getattr(self.request, "access", None) or access_of(self.request.user)


def _created(request, result, serializer_class, *, repeated: bool, context) -> Response:
    return Response(
        serializer_class(result, context=context).data,
        status=status.HTTP_200_OK if repeated else status.HTTP_201_CREATED,
    )


# --- people ----------------------------------------------------------------------


class PersonList(ApiMixin, generics.ListAPIView):
    """The people whose growth you follow: yourself, your reports, your mentees."""

    serializer_class = serializers.EngineerSerializer
    pagination_class = pagination.ByName

    def get_queryset(self):
        return (
            Engineer.objects.visible_to(self.access)
            .select_related(*PERSON_RELATED)
            .annotate(display_name=F("user__display_name"))
        )


class PersonDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = serializers.EngineerSerializer

    def get_queryset(self):
        return Engineer.objects.visible_to(self.access).select_related(*PERSON_RELATED)


# --- feedback notes ------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter(
                "tab",
                OpenApiTypes.STR,
                enum=list(feedback_selectors.TABS),
                description="As the feedback page's tabs: shared with you, written "
                "by you, or about your people. Without it, every note you may read.",
            )
        ]
    )
)
class NoteList(ApiMixin, generics.ListAPIView):
    """Feedback notes you may read, newest first, with the feedback page's filters."""

    serializer_class = serializers.FeedbackNoteSerializer
    filterset_class = FeedbackNoteFilter

    def get_queryset(self):
        tab = self.request.query_params.get("tab")
        if tab is None:
            notes = FeedbackNote.objects.visible_to(self.access)
        elif tab not in feedback_selectors.TABS:
            tabs = ", ".join(feedback_selectors.TABS)
            raise ApiValidationError({"tab": [f"Choose one of {tabs}."]})
        elif tab not in dict(feedback_selectors.feedback_tabs(self.access)):
            # As on the page: only managers and mentors have people to follow.
            raise NotFound()
        else:
            notes = feedback_selectors.feedback_tab(self.access, tab)
        return notes.select_related(*NOTE_RELATED).prefetch_related("links")

    @extend_schema(
        request=serializers.FeedbackNoteInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: serializers.FeedbackNoteSerializer,
            200: OpenApiResponse(
                serializers.FeedbackNoteSerializer,
                description="The note an earlier request with this key made.",
            ),
            400: OpenApiResponse(description="The errors, by field."),
        },
    )
    def post(self, request):
        """Log a note, as the feedback form does: the same rules, the same
        notifications (a shared note tells the engineer)."""
        data = serializers.FeedbackNoteInput(
            data=request.data, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        cleaned = data.cleaned
        try:
            outcome = create_once(
                user=request.user,
                key=idempotency_key(request),
                create=lambda: feedback_note_create(
                    author=request.user,
                    engineer=cleaned["engineer"],
                    now=timezone.now(),
                    **{name: cleaned[name] for name in NOTE_FIELDS},
                    links=cleaned.get("links") or [],
                ),
            )
        except ValidationError as error:
            raise ApiValidationError(serializers.service_errors(error)) from None
        return _created(
            request,
            outcome.result,
            serializers.FeedbackNoteSerializer,
            repeated=outcome.repeated,
            context=self.get_serializer_context(),
        )


class NoteDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = serializers.FeedbackNoteSerializer

    def get_queryset(self):
        return (
            FeedbackNote.objects.visible_to(self.access)
            .select_related(*NOTE_RELATED)
            .prefetch_related("links")
        )


class NoteComments(ApiMixin, generics.ListAPIView):
    """A note's conversation, oldest first; everyone who may read the note."""

    serializer_class = serializers.FeedbackCommentSerializer
    pagination_class = pagination.OldestFirst

    def note(self) -> FeedbackNote:
        return get_object_or_404(
            FeedbackNote.objects.visible_to(self.access), pk=self.kwargs["pk"]
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FeedbackComment.objects.none()
        return (
            FeedbackComment.objects.visible_to(self.access)
            .filter(note=self.note())
            .select_related("author")
        )

    @extend_schema(
        request=serializers.FeedbackCommentInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: serializers.FeedbackCommentSerializer,
            200: OpenApiResponse(
                serializers.FeedbackCommentSerializer,
                description="The comment an earlier request with this key made.",
            ),
            400: OpenApiResponse(description="The errors, by field."),
            404: OpenApiResponse(description="No note you may read."),
        },
    )
    def post(self, request, pk: int):
        """Comment on the note; the others in its conversation are told."""
        note = self.note()
        data = serializers.FeedbackCommentInput(
            data=request.data, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        now = timezone.now()
        try:
            outcome = create_once(
                user=request.user,
                key=idempotency_key(request),
                create=lambda: feedback_comment_create(
                    note=note, author=request.user, body=data.cleaned["body"], now=now
                ),
            )
        except ValidationError as error:
            raise ApiValidationError(serializers.service_errors(error)) from None
        # Answering in the conversation deals with its notices, as on the page.
        notifications_settle(
            user=request.user, url=url_with_id("feedback-detail", note.pk), now=now
        )
        return _created(
            request,
            outcome.result,
            serializers.FeedbackCommentSerializer,
            repeated=outcome.repeated,
            context=self.get_serializer_context(),
        )


class RequestList(ApiMixin, generics.ListAPIView):
    """Feedback requests you made or were asked, newest first."""

    serializer_class = serializers.FeedbackRequestSerializer

    def get_queryset(self):
        return FeedbackRequest.objects.visible_to(self.access).select_related(
            "requester__user", "recipient__user", "competency"
        )


class RequestDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = serializers.FeedbackRequestSerializer
    get_queryset = RequestList.get_queryset


# --- praise --------------------------------------------------------------------


class PraiseList(ApiMixin, generics.ListAPIView):
    """The Praise wall: praise its authors made public, newest first."""

    serializer_class = serializers.PraiseSerializer

    def get_queryset(self):
        return feedback_selectors.praise_wall(self.access)

    @extend_schema(
        request=serializers.PraiseInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: serializers.FeedbackNoteSerializer,
            200: OpenApiResponse(
                serializers.FeedbackNoteSerializer,
                description="The praise an earlier request with this key made.",
            ),
            400: OpenApiResponse(description="The errors, by field."),
        },
    )
    def post(self, request):
        """Praise someone in one line, as the praise form does."""
        data = serializers.PraiseInput(
            data=request.data, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        cleaned = data.cleaned
        try:
            outcome = create_once(
                user=request.user,
                key=idempotency_key(request),
                create=lambda: feedback_note_create(
                    author=request.user,
                    engineer=cleaned["engineer"],
                    kind=cleaned["kind"],
                    competency=cleaned["competency"],
                    sentiment=Sentiment.PRAISE,
                    message=cleaned["message"],
                    public=cleaned["public"],
                    visibility=Visibility.SHARED,
                    now=timezone.now(),
                ),
            )
        except ValidationError as error:
            raise ApiValidationError(serializers.service_errors(error)) from None
        return _created(
            request,
            outcome.result,
            serializers.FeedbackNoteSerializer,
            repeated=outcome.repeated,
            context=self.get_serializer_context(),
        )


# --- goals and learning --------------------------------------------------------


class GoalList(ApiMixin, generics.ListAPIView):
    """Goals of the people you follow (yourself included), newest first."""

    serializer_class = serializers.GoalSerializer

    def get_queryset(self):
        return Goal.objects.visible_to(self.access).select_related(
            "engineer__user", "competency"
        )


class GoalDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = serializers.GoalSerializer
    get_queryset = GoalList.get_queryset


class GoalCheckIns(ApiMixin, generics.ListAPIView):
    """A goal's check-ins, newest first."""

    serializer_class = serializers.GoalCheckInSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GoalCheckIn.objects.none()
        goal = get_object_or_404(
            Goal.objects.visible_to(self.access), pk=self.kwargs["pk"]
        )
        return (
            GoalCheckIn.objects.visible_to(self.access)
            .filter(goal=goal)
            .select_related("author")
        )


class LearningList(ApiMixin, generics.ListAPIView):
    """Learning you may see: yours and your people's, and every learning
    session and hackathon; the latest first."""

    serializer_class = serializers.LearningActivitySerializer
    pagination_class = pagination.ByDate

    def get_queryset(self):
        return learning_visible(self.access)


class LearningDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = serializers.LearningActivitySerializer
    get_queryset = LearningList.get_queryset


# --- the schema and its page ---------------------------------------------------


class Schema(ApiMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, for a token or the signed-in person."""


@require_GET
def docs(request):
    """The API's documentation: Swagger UI, from files served here (the
    sidecar package), started by a script of ours, under the same
    Content-Security-Policy as every page."""
    return render(
        request, "growth/api/docs.html", {"schema_url": reverse("api:schema")}
    )
