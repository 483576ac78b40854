"""The API's endpoints: thin, as the pages' views are.

Every queryset starts from the policy (``X.objects.visible_to(access)``), so
what one may not see is a 404 or absent from a list, never a 403. Creates go
through the pages' forms and services, once per ``Idempotency-Key``: notes,
comments, praise, goals and their check-ins, feedback requests, learning.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signals
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.log import log_response
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from growth import policy
from growth.api import pagination, serializers
from growth.api.filters import FeedbackRequestFilter
from growth.filters.feedback import FeedbackNoteFilter
from growth.forms.feedback import FeedbackNoteForm
from growth.forms.goals import GoalFilter
from growth.forms.learning import LearningFilter
from growth.models import (
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    LearningActivity,
    Sentiment,
    Visibility,
)
from growth.policy import access_of
from growth.selectors import feedback as feedback_selectors
from growth.selectors.learning import learning_visible
from growth.services.feedback import (
    feedback_comment_create,
    feedback_note_create,
    feedback_request_cancel,
    feedback_request_decline,
)
from growth.services.goals import goal_check_in_create, goal_create, goal_update
from growth.services.learning import (
    learning_activity_create,
    learning_activity_update,
)
from growth.services.notifications import notifications_settle
from growth.services.requests import feedback_requests_create
from growth.services.submissions import KeyReused, create_once
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
    "Sending the same key again with the same body to the same endpoint (a "
    "retry after a timeout) makes nothing new: the answer is what the first "
    "request made, with status 200. Sent with anything else, it is a 422.",
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


def idempotency_request(request) -> str:
    """What a key is sent with (``Submission.request``): the endpoint and a
    hash of the body as parsed, so neither the order of its fields nor its
    spacing makes a retry another request."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return f"{request.path} {hashlib.sha256(body.encode()).hexdigest()}"


class KeyReusedError(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used for a different request."
    default_code = "idempotency_key_reused"


def api_exception_handler(exc, context):
    """DRF's answers, and a JSON 500 for anything else it leaves to Django,
    whose answer is a page (with ``DEBUG``, the traceback's page, kept)."""
    response = exception_handler(exc, context)
    if response is not None or settings.DEBUG or settings.DEBUG_PROPAGATE_EXCEPTIONS:
        return response
    request = context["request"]._request
    # As Django does with an exception it catches: told to whoever listens
    # (the test client raises it again), logged with its traceback.
    signals.got_request_exception.send(sender=None, request=request)
    set_rollback()
    response = Response(
        {"detail": "Something went wrong on our side."},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
    log_response(
        "%s: %s",
        response.reason_phrase,
        request.path,
        response=response,
        request=request,
        exception=exc,
    )
    return response


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

    def get_exception_handler(self):
        # In JSON whatever goes wrong: a script reads no error page.
        return api_exception_handler

    @property
    def access(self):
        # The schema's generator asks for querysets with a bare request.
        return getattr(self.request, "access", None) or access_of(self.request.user)

    def checked(self, input_class, **context) -> serializers.FormInput:
        """The request's body, checked by ``input_class`` (a page's form);
        its errors are a 400, by field."""
        data = input_class(
            data=self.request.data,
            context={**self.get_serializer_context(), **context},
        )
        data.is_valid(raise_exception=True)
        return data

    def created(self, input_class, create, output_class, **context) -> Response:
        """Make what ``create(data)`` makes of the body ``input_class`` checked,
        once per ``Idempotency-Key``, and answer with it: 201, or 200 with what
        an earlier request with the key made. A retry is answered before its
        body is checked again: what the first one answered may be closed by
        now. The body's errors and a service's refusal are a 400, by field,
        and save nothing; the key sent with another request is a 422."""
        try:
            outcome = create_once(
                user=self.request.user,
                key=idempotency_key(self.request),
                create=lambda: create(self.checked(input_class, **context)),
                request=idempotency_request(self.request),
            )
        except ValidationError as error:
            raise ApiValidationError(serializers.service_errors(error)) from None
        except KeyReused:
            raise KeyReusedError() from None
        result = outcome.result
        return Response(
            output_class(
                result,
                many=isinstance(result, list),
                context=self.get_serializer_context(),
            ).data,
            status=status.HTTP_200_OK if outcome.repeated else status.HTTP_201_CREATED,
        )


def _create_responses(serializer, what: str, not_found: str = "") -> dict:
    """A create's answers, for the schema: made, made before, refused, and
    ``not_found`` when what it is made on may be out of sight."""
    return {
        201: serializer,
        200: OpenApiResponse(
            serializer, description=f"The {what} an earlier request with this key made."
        ),
        400: OpenApiResponse(description="The errors, by field."),
        422: OpenApiResponse(
            description="The Idempotency-Key was sent before with another "
            "request: another endpoint or another body."
        ),
    } | ({404: OpenApiResponse(description=not_found)} if not_found else {})


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
        responses=_create_responses(serializers.FeedbackNoteSerializer, "note"),
    )
    def post(self, request):
        """Log a note, as the feedback form does: the same rules, the same
        notifications (a shared note tells the engineer). With ``request``, it
        answers a feedback request you were asked, as the request's "Give
        feedback" does."""
        return self.created(
            serializers.FeedbackNoteInput,
            lambda data: feedback_note_create(
                author=request.user,
                engineer=data.cleaned["engineer"],
                now=timezone.now(),
                **{name: data.cleaned[name] for name in NOTE_FIELDS},
                links=data.cleaned.get("links") or [],
                request=data.feedback_request,
            ),
            serializers.FeedbackNoteSerializer,
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
        responses=_create_responses(
            serializers.FeedbackCommentSerializer,
            "comment",
            not_found="No note you may read.",
        ),
    )
    def post(self, request, pk: int):
        """Comment on the note; the others in its conversation are told."""
        note = self.note()
        now = timezone.now()
        response = self.created(
            serializers.FeedbackCommentInput,
            lambda data: feedback_comment_create(
                note=note, author=request.user, body=data.cleaned["body"], now=now
            ),
            serializers.FeedbackCommentSerializer,
        )
        # Answering in the conversation deals with its notices, as on the page.
        notifications_settle(
            user=request.user, url=url_with_id("feedback-detail", note.pk), now=now
        )
        return response


class CreatesMany(AutoSchema):
    """A list whose POST makes several at once: that answer is a plain array,
    not a page of one."""

    def _get_paginator(self):
        return None if self.method == "POST" else super()._get_paginator()


class RequestList(ApiMixin, generics.ListAPIView):
    """Feedback requests you made or were asked, newest first."""

    serializer_class = serializers.FeedbackRequestSerializer
    filterset_class = FeedbackRequestFilter
    schema = CreatesMany()

    def get_queryset(self):
        return FeedbackRequest.objects.visible_to(self.access).select_related(
            "requester__user", "recipient__user", "competency"
        )

    @extend_schema(
        request=serializers.FeedbackRequestInput,
        parameters=[IDEMPOTENCY_KEY],
        responses=_create_responses(
            serializers.FeedbackRequestSerializer(many=True),
            "requests",
            not_found="You are not an active engineer here, so you ask nobody.",
        ),
    )
    def post(self, request):
        """Ask up to ten people for feedback, as the request form does: each
        gets a request of their own and is told; if anyone cannot be asked,
        nobody is. Answer one with a note that names it (``request``)."""
        requester = get_object_or_404(
            Engineer.objects.active().select_related("user"), user=request.user
        )
        return self.created(
            serializers.FeedbackRequestInput,
            lambda data: feedback_requests_create(
                requester=requester, now=timezone.now(), **data.cleaned
            ),
            serializers.FeedbackRequestSerializer,
            requester=requester,
        )


class RequestDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = serializers.FeedbackRequestSerializer
    get_queryset = RequestList.get_queryset


class RequestClose(ApiMixin, generics.GenericAPIView):
    """Close an open request, as its page's button does (``rule`` says who
    may, ``service`` closes it); the notices that asked for it are read."""

    serializer_class = serializers.FeedbackRequestSerializer
    rule = staticmethod(policy.feedback_requests_declinable_by)
    service = staticmethod(feedback_request_decline)

    @extend_schema(
        request=None,
        responses={
            200: serializers.FeedbackRequestSerializer,
            400: OpenApiResponse(description="It is closed already."),
            404: OpenApiResponse(description="No request of yours to close."),
        },
    )
    def post(self, request, pk: int):
        feedback_request = get_object_or_404(
            self.rule(self.access, RequestList.get_queryset(self)), pk=pk
        )
        now = timezone.now()
        try:
            with transaction.atomic():
                self.service(
                    feedback_request=feedback_request, user=request.user, now=now
                )
                notifications_settle(
                    user=feedback_request.recipient.user,
                    url=reverse("request-detail", args=[pk]),
                    now=now,
                )
        except ValidationError as error:
            raise ApiValidationError(serializers.service_errors(error)) from None
        return Response(self.get_serializer(feedback_request).data)


class RequestDecline(RequestClose):
    """Decline a request you were asked; whoever asked sees it declined."""


class RequestCancel(RequestClose):
    """Withdraw a request you made."""

    rule = staticmethod(policy.feedback_requests_cancellable_by)
    service = staticmethod(feedback_request_cancel)


# --- praise --------------------------------------------------------------------


class PraiseList(ApiMixin, generics.ListAPIView):
    """The Praise wall: praise its authors made public, newest first."""

    serializer_class = serializers.PraiseSerializer

    def get_queryset(self):
        return feedback_selectors.praise_wall(self.access)

    @extend_schema(
        request=serializers.PraiseInput,
        parameters=[IDEMPOTENCY_KEY],
        responses=_create_responses(serializers.FeedbackNoteSerializer, "praise"),
    )
    def post(self, request):
        """Praise someone in one line, as the praise form does."""
        return self.created(
            serializers.PraiseInput,
            lambda data: feedback_note_create(
                author=request.user,
                engineer=data.cleaned["engineer"],
                kind=data.cleaned["kind"],
                competency=data.cleaned["competency"],
                sentiment=Sentiment.PRAISE,
                message=data.cleaned["message"],
                public=data.cleaned["public"],
                visibility=Visibility.SHARED,
                now=timezone.now(),
            ),
            serializers.FeedbackNoteSerializer,
        )


# --- goals and learning --------------------------------------------------------


class GoalList(ApiMixin, generics.ListAPIView):
    """Goals of the people you follow (yourself included), newest first, with
    the goals page's filters."""

    serializer_class = serializers.GoalSerializer
    filterset_class = GoalFilter

    def get_queryset(self):
        return Goal.objects.visible_to(self.access).select_related(
            "engineer__user", "competency"
        )

    @extend_schema(
        request=serializers.GoalInput,
        parameters=[IDEMPOTENCY_KEY],
        responses=_create_responses(serializers.GoalSerializer, "goal"),
    )
    def post(self, request):
        """Set a goal, as the goal form does: for yourself, or for one of
        your direct reports; it starts active, at 0 %."""
        return self.created(
            serializers.GoalInput,
            lambda data: goal_create(
                engineer=data.engineer_chosen,
                created_by=request.user,
                **data.cleaned,
                now=timezone.now(),
            ),
            serializers.GoalSerializer,
        )


class GoalDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = serializers.GoalSerializer
    get_queryset = GoalList.get_queryset

    @extend_schema(
        request=serializers.GoalUpdateInput,
        responses={
            200: serializers.GoalSerializer,
            400: OpenApiResponse(description="The errors, by field."),
            404: OpenApiResponse(description="No goal you may change."),
        },
    )
    def patch(self, request, pk: int):
        """Change a goal, as its edit form does: any field left out keeps its
        value; ``status`` achieved or abandoned closes it. The engineer and
        their manager only; progress moves by check-ins."""
        goal = get_object_or_404(
            Goal.objects.editable_by(self.access).select_related(
                "engineer__user", "competency"
            ),
            pk=pk,
        )
        cleaned = self.checked(serializers.GoalUpdateInput, goal=goal).cleaned
        try:
            goal_update(goal=goal, **cleaned, by=request.user, now=timezone.now())
        except ValidationError as error:
            raise ApiValidationError(serializers.service_errors(error)) from None
        return Response(self.get_serializer(goal).data)


class GoalCheckIns(ApiMixin, generics.ListAPIView):
    """A goal's check-ins, newest first, with their links to the work."""

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
            .prefetch_related("links")
        )

    @extend_schema(
        request=serializers.GoalCheckInInput,
        parameters=[IDEMPOTENCY_KEY],
        responses=_create_responses(
            serializers.GoalCheckInSerializer,
            "check-in",
            not_found="No goal you may check in on.",
        ),
    )
    def post(self, request, pk: int):
        """Record progress, as the goal's check-in form does: the engineer,
        their manager and their active mentors, on an active goal; the goal
        takes the new progress."""
        goal = get_object_or_404(
            Goal.objects.checkinable_by(self.access).select_related("engineer__user"),
            pk=pk,
        )
        return self.created(
            serializers.GoalCheckInInput,
            lambda data: goal_check_in_create(
                goal=goal,
                author=request.user,
                progress=data.cleaned["progress"],
                note=data.cleaned["note"],
                links=data.cleaned["links"],
                now=timezone.now(),
            ),
            serializers.GoalCheckInSerializer,
        )


class LearningList(ApiMixin, generics.ListAPIView):
    """Learning you may see: yours and your people's, and every learning
    session and hackathon; the latest first, with the learning page's filters."""

    serializer_class = serializers.LearningActivitySerializer
    pagination_class = pagination.ByDate
    filterset_class = LearningFilter

    def get_queryset(self):
        return (
            learning_visible(self.access)
            .select_related("competency")
            # Whose goal it counts towards: the goal is shown only to them.
            .annotate(goal_engineer_id=F("goal__engineer_id"))
        )

    @extend_schema(
        request=serializers.LearningActivityInput,
        parameters=[IDEMPOTENCY_KEY],
        responses=_create_responses(serializers.LearningActivitySerializer, "activity"),
    )
    def post(self, request):
        """Log learning, as the learning form does: what, when, how long, who
        led it and who attended (you, if you name nobody)."""
        return self.created(
            serializers.LearningActivityInput,
            lambda data: learning_activity_create(
                logged_by=request.user, now=timezone.now(), **data.cleaned
            ),
            serializers.LearningActivitySerializer,
        )


class LearningDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = serializers.LearningActivitySerializer
    get_queryset = LearningList.get_queryset

    @extend_schema(
        request=serializers.LearningActivityUpdateInput,
        responses={
            200: serializers.LearningActivitySerializer,
            400: OpenApiResponse(description="The errors, by field."),
            404: OpenApiResponse(description="No activity you may change."),
        },
    )
    def patch(self, request, pk: int):
        """Change logged learning, as its edit form does: whoever logged or
        led it, and the attendees of a personal one."""
        activity = get_object_or_404(
            LearningActivity.objects.editable_by(self.access), pk=pk
        )
        cleaned = self.checked(
            serializers.LearningActivityUpdateInput, activity=activity
        ).cleaned
        learning_activity_update(activity=activity, **cleaned)
        return Response(self.get_serializer(activity).data)


# --- the schema and its page ---------------------------------------------------


class Schema(ApiMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, for a token or the signed-in person."""


@login_not_required
@csrf_exempt
def not_found(request, path: str):
    """Any other path under ``/api/v1/``: a 404 in JSON, to a token, a session
    or nobody alike, never the sign-in page. It makes and changes nothing, so
    it needs no CSRF token. A path that lacks only its final slash is sent to
    it, as ``APPEND_SLASH`` does everywhere else, with a 308 for a write: a
    client following a 301 sends a POST again as a GET, without its body,
    and a bot would read the list and think it had logged its note."""
    if (
        settings.APPEND_SLASH
        and not path.endswith("/")
        and resolve(f"{request.path_info}/").view_name != "api:not-found"
    ):
        return HttpResponsePermanentRedirect(
            request.get_full_path(force_append_slash=True),
            preserve_request=request.method not in ("GET", "HEAD"),
        )
    return JsonResponse({"detail": "Not found."}, status=404)


@require_GET
def docs(request):
    """The API's documentation: Swagger UI, from files served here (the
    sidecar package), started by a script of ours, under the same
    Content-Security-Policy as every page."""
    return render(
        request, "growth/api/docs.html", {"schema_url": reverse("api:schema")}
    )
