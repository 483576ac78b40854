"""Feedback notes: the list, writing and editing one (or praise in one line),
its conversation, and the engineer's answers."""

from __future__ import annotations

import functools
from html import escape
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from growth import policy
from growth.filters.feedback import FeedbackNoteFilter
from growth.forms.feedback import (
    FeedbackCommentForm,
    FeedbackNoteForm,
    FeedbackRatingForm,
    FeedbackReplyForm,
    PraiseForm,
    add_service_errors,
)
from growth.links import read_link
from growth.models import (
    Competency,
    CompetencyKind,
    Engineer,
    FeedbackComment,
    FeedbackNote,
    Visibility,
)
from growth.models.feedback import undo_window
from growth.models.submissions import new_key
from growth.selectors import feedback as selectors
from growth.services.feedback import (
    feedback_comment_create,
    feedback_comment_update,
    feedback_note_acknowledge,
    feedback_note_create,
    feedback_note_delete,
    feedback_note_rate,
    feedback_note_restore,
    feedback_note_update,
)
from growth.services.notifications import notifications_settle
from growth.services.submissions import create_once, submission_key
from growth.views.links import url_for_ids, url_with_id

PAGE_SIZE = 25
NOTE_RELATED = ("author", "engineer__user", "engineer__team", "competency", "goal")
SAVED_MESSAGES = {
    Visibility.SHARED: "Your feedback is saved, and {note.engineer} has been told.",
    Visibility.MANAGER: "Your manager-only note is saved; {note.engineer} does not see it.",
    Visibility.SELF: "Your note to self is saved; only you can see it.",
}
# What the author may change: the form's fields, but whom the note is about.
EDITABLE_FIELDS = tuple(f for f in FeedbackNoteForm.Meta.fields if f != "engineer")


def in_viewer_zone(view):
    """Show times and read dates in the signed-in person's own time zone."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with timezone.override(request.user.zone):
            return view(request, *args, **kwargs)

    return wrapper


def _on_this_site(request, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def safe_next(request) -> str | None:
    """The ``next`` URL of the request, if it stays on this site."""
    return _on_this_site(request, request.POST.get("next") or request.GET.get("next"))


def came_from(request) -> str | None:
    """Where the person was before this form: its ``next``, else the page of
    this site that linked here, if not the form itself (what "Back to where
    you were" leads to)."""
    referer = _on_this_site(request, request.headers.get("Referer"))
    if referer and urlsplit(referer).path == request.path:
        referer = None
    return safe_next(request) or referer


# The session's note of what was just saved, for the note's next page.
JUST_SAVED = "feedback_just_saved"


def after_saving(request, note: FeedbackNote, next_url: str | None):
    """Go to the note just saved; its page then offers "Give another" and
    "Back to where you were" (``next_url``), once."""
    request.session[JUST_SAVED] = {"note": note.pk, "next": next_url or ""}
    return redirect(url_with_id("feedback-detail", note.pk))


def _just_saved(request, note: FeedbackNote) -> dict | None:
    """The links after saving ``note``, if this is the page that follows."""
    saved = request.session.get(JUST_SAVED)
    if not saved or saved.get("note") != note.pk:
        return None
    del request.session[JUST_SAVED]
    form = "praise-create" if note.is_one_line else "feedback-create"
    query = {"engineer": note.engineer_id}
    back = _on_this_site(request, saved.get("next"))
    if back:
        query["next"] = back
    return {"another": f"{reverse(form)}?{urlencode(query)}", "back": back}


def _settle(request, note_id: int) -> None:
    """The viewer dealt with the note: its notifications are read."""
    notifications_settle(
        user=request.user,
        url=url_with_id("feedback-detail", note_id),
        now=timezone.now(),
    )


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def querystring_without_page(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names or ("page",):
        query.pop(name, None)
    return query.urlencode()


# What a row of the list writes beside the note's own words.
_KINDS = dict(CompetencyKind.choices)
_SENTIMENTS = {
    "praise": '<span class="badge text-bg-success">Praise</span>',
    "constructive": '<span class="badge text-bg-primary">Constructive</span>',
}
_WHO_SEES = {Visibility.SHARED: "Shared", Visibility.MANAGER: "Manager only"}
_NOT_SHARED = '<span class="text-body-secondary">—</span>'
_NOT_READ = '<span class="badge text-bg-warning">Not read yet</span>'
_RATED = {True: " · actionable", False: " · not actionable", None: ""}


def _read_cell(note: dict) -> str:
    if note["visibility"] != Visibility.SHARED:
        return _NOT_SHARED
    if not note["acknowledged_at"]:
        return _NOT_READ
    replied = " · replied" if note["replied_at"] else ""
    return f"Yes{replied}{_RATED[note['actionable']]}"


def _note_row(note: dict, tab: str, detail_url: str) -> SafeString:
    """One row of the list (a ``LIST_FIELDS`` dictionary with its names, as
    ``selectors.feedback.name_rows`` gives them), written here rather
    than by a template loop, whose tags, filters and lookups were most of the
    page's rendering. Every text is escaped as the template escaped it
    (``html.escape`` is what Django's ``escape`` calls).
    ``detail_url`` is the note's link with ``{}`` for its id."""
    written = timezone.localtime(note["created_at"])  # in the viewer's zone
    day = f"{written.day} {MONTHS_3[written.month].title()} {written.year:04d}"
    # ``isoformat`` is the ``c`` date format.
    cells = [
        f'<tr><td class="text-nowrap"><time datetime="{written.isoformat()}">'
        f"{escape(day)}</time></td>"
    ]
    if tab != "received":
        engineer, team = note["engineer"], note["team"]
        cells.append(
            f"<td>{escape(engineer)}"
            f'<span class="d-block small text-body-secondary">{escape(team)}</span></td>'
        )
    if tab != "given":
        author, email = note["author"], note.get("author_email")
        signed = ""
        if author and email:
            signed = f'<span class="d-block small text-body-secondary">{escape(email)}</span>'
        cells.append(f"<td>{escape(author or 'a former employee')}{signed}</td>")
    competency = note["competency"]
    if competency:
        competency = (
            f'<span class="badge text-bg-light border">{escape(competency)}</span>'
        )
    sentiment = _SENTIMENTS.get(note["sentiment"], _SENTIMENTS["constructive"])
    cells.append(
        f'<td><span class="badge text-bg-light border">{_KINDS[note["kind"]]}</span>'
        f"{competency or ''}{sentiment}</td>"
    )
    if tab != "received":
        who_sees = _WHO_SEES.get(note["visibility"], "Note to self")
        cells.append(f'<td class="small">{who_sees}</td>')
    link = escape(detail_url.format(note["pk"]))
    gist = note["message"] or note["suggestion"]
    cells.append(
        f'<td class="small">{_read_cell(note)}</td>'
        f'<td><a href="{link}">{escape(Truncator(gist).chars(100))}</a></td></tr>'
    )
    return mark_safe("".join(cells))


@require_GET
@in_viewer_zone
def feedback_list(request):
    """Notes about me, by me, and about the people I manage or mentor."""
    tabs = selectors.feedback_tabs(request.access)
    tab = request.GET.get("tab", "received")
    if tab not in selectors.TABS:
        tab = "received"
    if tab not in dict(tabs):
        raise Http404("Only managers and mentors have people to follow.")
    filterset = FeedbackNoteFilter(
        request.GET,
        queryset=selectors.feedback_tab(request.access, tab),
        omit=selectors.TAB_OMITS[tab],
    )
    page_obj = selectors.feedback_page(
        filterset.qs, request.GET.get("page"), per_page=PAGE_SIZE
    )
    selectors.name_rows(page_obj.object_list, filterset.names)
    detail_url = url_for_ids("feedback-detail")
    return render(
        request,
        "growth/feedback/list.html",
        {
            "tab": tab,
            "tabs": tabs,
            "filter": filterset,
            "page_obj": page_obj,
            "rows_html": mark_safe(
                "".join(_note_row(note, tab, detail_url) for note in page_obj)
            ),
            "querystring_without_page": querystring_without_page(request),
        },
    )


def _link_from_query(request) -> dict:
    """The form's first link from ``?link=``, as a code host's bot or a
    bookmark opens it: "give feedback on this pull request". A link that
    cannot be kept is left out, with a word why; never an error page."""
    link = request.GET.get("link", "").strip()
    if request.method != "GET" or not link:
        return {}
    try:
        read_link(link.split()[0])
    except ValidationError as error:
        messages.warning(
            request, f"The link you came with was left out: {error.messages[0]}"
        )
        return {}
    return {"links": link.split()[0]}


@require_http_methods(["GET", "POST"])
@in_viewer_zone
def feedback_create(request):
    """Write a note; ``?engineer=`` picks who for, ``?request=`` answers a
    request, ``?link=`` starts it with a link to the work it is about."""
    feedback_request = None
    engineer = None
    if "request" in request.GET:
        feedback_request = get_object_or_404(
            policy.feedback_requests_fulfillable_by(request.access).select_related(
                "requester__user", "requester__team", "competency", "goal"
            ),
            pk=int_or_none(request.GET["request"]),
        )
    elif (engineer_id := int_or_none(request.GET.get("engineer"))) is not None:
        engineer = (
            Engineer.objects.active()
            .select_related("user")
            .filter(pk=engineer_id)
            .first()
        )

    form = FeedbackNoteForm(
        request.POST if request.method == "POST" else None,
        author=request.user,
        access=request.access,
        engineer=engineer,
        feedback_request=feedback_request,
        initial=_link_from_query(request),
    )
    next_url = came_from(request)
    if request.method == "POST" and form.is_valid():
        try:
            note = create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: feedback_note_create(
                    author=request.user,
                    engineer=form.cleaned_data["engineer"],
                    request=feedback_request,
                    links=form.cleaned_data["links"],
                    now=timezone.now(),
                    **{name: form.cleaned_data[name] for name in EDITABLE_FIELDS},
                ),
            ).result
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, SAVED_MESSAGES[note.visibility].format(note=note))
            return after_saving(request, note, next_url)
    return render(
        request,
        "growth/feedback/form.html",
        {
            "form": form,
            "feedback_request": feedback_request,
            "note": None,
            "next_url": next_url,
        },
    )


@require_GET
def competency_options(request):
    """The competency options for one kind, for the note form's htmx swap."""
    kind = request.GET.get("kind")
    competencies = Competency.objects.filter(is_active=True).order_by("kind", "name")
    if kind in CompetencyKind.values:
        competencies = competencies.filter(kind=kind)
    return render(
        request,
        "growth/feedback/_competency_options.html",
        {"competencies": competencies, "grouped": kind not in CompetencyKind.values},
    )


def _note_for_detail(user, pk: int) -> FeedbackNote:
    answerable = FeedbackNote.objects.answerable_by(user).filter(pk=OuterRef("pk"))
    editable = FeedbackNote.objects.editable_by(user).filter(pk=OuterRef("pk"))
    return get_object_or_404(
        FeedbackNote.objects.visible_to(user)
        .select_related(*NOTE_RELATED, "request")
        .prefetch_related("links")
        .annotate(can_answer=Exists(answerable), can_edit=Exists(editable)),
        pk=pk,
    )


def _conversation(request, note: FeedbackNote, **extra) -> dict:
    """What the conversation shows (``feedback/_conversation.html``): the
    comments, which of them the viewer may change, and the box for a new one
    with a fresh submission key (the posted one, when it comes back with an
    error, so that a retry is still known)."""
    comments = list(FeedbackComment.objects.filter(note=note).select_related("author"))
    for comment in comments:
        comment.mine = comment.author_id == request.user.pk
    context = {
        "note": note,
        "comments": comments,
        "comment_key": new_key(),
        "conversation_next": safe_next(request) or "",
    }
    context.update(extra)
    return context


def _render_detail(request, note: FeedbackNote, **extra):
    context = _conversation(request, note)
    context.update(
        can_answer=note.can_answer,
        can_edit=note.can_edit,
        # The card's own reply box shows only to bring back a reply it refused.
        card_in_conversation=not extra.get("reply_errors"),
    )
    context.update(extra)
    return render(request, "growth/feedback/detail.html", context)


@require_GET
@in_viewer_zone
def feedback_detail(request, pk: int):
    """One note in full, its conversation, and the engineer's answers or the
    author's edit link; just after saving it, where to go next."""
    note = _note_for_detail(request.access, pk)
    _settle(request, note.pk)
    return _render_detail(request, note, after_saving=_just_saved(request, note))


def _editable_note(request, pk: int, *related: str) -> FeedbackNote:
    """The note ``pk`` if the viewer wrote it (and it is not deleted), else 404."""
    notes = FeedbackNote.objects.editable_by(request.access)
    return get_object_or_404(notes.select_related(*NOTE_RELATED, *related), pk=pk)


@require_http_methods(["GET", "POST"])
@in_viewer_zone
def feedback_edit(request, pk: int):
    """The author changes a note; the engineer's acknowledgement and reply stay."""
    note = _editable_note(request, pk, "request")
    data = request.POST if request.method == "POST" else None
    if note.is_one_line:
        form = PraiseForm(data, instance=note, author=request.user)
        template = "growth/praise/form.html"
    else:
        form = FeedbackNoteForm(
            data, instance=note, author=request.user, access=request.access
        )
        template = "growth/feedback/form.html"
    if request.method == "POST" and form.is_valid():
        if note.is_one_line:
            changes = {
                name: form.cleaned_data[name]
                for name in ("kind", "competency", "message", "public")
            }
            changes.update(
                sentiment=note.sentiment, visibility=note.visibility, goal=note.goal
            )
        else:
            changes = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
            changes["links"] = form.cleaned_data["links"]
        try:
            feedback_note_update(
                note=note, author=request.user, now=timezone.now(), **changes
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("feedback-detail", pk=note.pk)
    return render(
        request,
        template,
        {"form": form, "feedback_request": None, "note": note},
    )


# --- deleting a note, and undoing it -------------------------------------------


@require_http_methods(["GET", "POST"])
@in_viewer_zone
def feedback_delete(request, pk: int):
    """The author deletes a note: asked first, and undoable for a while."""
    note = _editable_note(request, pk, "request__requester__user")
    if request.method == "POST":
        until = feedback_note_delete(note=note, author=request.user, now=timezone.now())
        messages.success(
            request,
            f"The note about {note.engineer} is deleted. You can restore it here "
            f"until {date_format(timezone.localtime(until), 'j F Y, H:i')}.",
        )
        return redirect("feedback-deleted")
    return render(
        request,
        "growth/feedback/confirm_delete.html",
        {"note": note, "undo_days": undo_window().days},
    )


@require_GET
@in_viewer_zone
def feedback_deleted(request):
    """The notes I deleted that I can still restore, newest deletion first."""
    now = timezone.now()
    notes = (
        FeedbackNote.all_objects.restorable_by(request.user, now=now)
        .select_related(*NOTE_RELATED)
        .order_by("-deleted_at", "-pk")
    )
    page_obj = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    for note in page_obj.object_list:
        note.restorable_until = note.deleted_at + undo_window()
    return render(
        request,
        "growth/feedback/deleted.html",
        {"page_obj": page_obj, "undo_days": undo_window().days},
    )


@require_POST
@in_viewer_zone
def feedback_restore(request, pk: int):
    now = timezone.now()
    note = get_object_or_404(
        FeedbackNote.all_objects.restorable_by(request.user, now=now), pk=pk
    )
    feedback_note_restore(note=note, by=request.user, now=now)
    messages.success(request, "The note is restored, as it was.")
    return redirect("feedback-detail", pk=note.pk)


# --- the engineer's answers: plain POST, or htmx swapping the card -------------


def _answerable_note(request, pk: int) -> FeedbackNote:
    note = get_object_or_404(
        FeedbackNote.objects.answerable_by(request.access).select_related(
            *NOTE_RELATED, "request"
        ),
        pk=pk,
    )
    note.can_answer, note.can_edit = True, False
    return note


def _after_answer(request, note: FeedbackNote, done: str, **errors):
    """Re-render the card for htmx; otherwise redirect, or show the errors."""
    if request.htmx:
        card_next = safe_next(request) or url_with_id("feedback-detail", note.pk)
        return render(
            request,
            "growth/feedback/_answer_card.html",
            {
                "note": note,
                "card_next": card_next,
                "card_status": "" if errors else done,
                # A new reply needs a new key; one that failed keeps its own.
                "reply_key": submission_key(request.POST) if errors else new_key(),
                **errors,
            },
        )
    if errors:
        return _render_detail(request, note, **errors)
    messages.success(request, done)
    return redirect(safe_next(request) or url_with_id("feedback-detail", note.pk))


@require_POST
@in_viewer_zone
def feedback_acknowledge(request, pk: int):
    note = _answerable_note(request, pk)
    feedback_note_acknowledge(note=note, user=request.user, now=timezone.now())
    _settle(request, note.pk)
    return _after_answer(request, note, "Marked as read. Thank you.")


@require_POST
@in_viewer_zone
def feedback_reply(request, pk: int):
    """The engineer answers from the card: a comment in the note's
    conversation (each reply is one more; none replaces another)."""
    note = _answerable_note(request, pk)
    form = FeedbackReplyForm(request.POST)
    if form.is_valid():
        try:
            create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: feedback_comment_create(
                    note=note,
                    author=request.user,
                    body=form.cleaned_data["reply"],
                    now=timezone.now(),
                ),
            )
        except ValidationError as error:
            said = getattr(error, "error_dict", {}).get("body")
            form.add_error("reply", said or error.messages)
        else:
            note.refresh_from_db(fields=["acknowledged_at", "replied_at"])
            _settle(request, note.pk)
    if form.errors:
        return _after_answer(
            request,
            note,
            "",
            reply_errors=form.errors.get("reply", []),
            reply_value=request.POST.get("reply", ""),
        )
    return _after_answer(request, note, "Your reply is in the conversation.")


@require_POST
@in_viewer_zone
def feedback_rate(request, pk: int):
    """Say whether the note was actionable; answering again changes it."""
    note = _answerable_note(request, pk)
    form = FeedbackRatingForm(request.POST)
    if not form.is_valid():
        return _after_answer(
            request, note, "", rate_errors=form.errors.get("actionable", [])
        )
    feedback_note_rate(
        note=note,
        user=request.user,
        actionable=form.cleaned_data["actionable"],
        now=timezone.now(),
    )
    _settle(request, note.pk)
    return _after_answer(request, note, "Thanks — your rating is saved.")


# --- the conversation: everyone who may read the note ---------------------------


@require_POST
@in_viewer_zone
def feedback_comment(request, pk: int):
    """Add a comment to a note's conversation. With htmx the conversation
    swaps itself; without, the note's page comes back at the new comment."""
    note = _note_for_detail(request.access, pk)
    form = FeedbackCommentForm(request.POST)
    comment = None
    if form.is_valid():
        try:
            comment = create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: feedback_comment_create(
                    note=note,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    now=timezone.now(),
                ),
            ).result
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _settle(request, note.pk)
    if comment is None:
        errors = {
            "comment_errors": form.errors.get("body")
            or form.non_field_errors()
            or ["Write a comment first."],
            "comment_value": request.POST.get("body", ""),
            "comment_key": submission_key(request.POST) or new_key(),
        }
        if request.htmx:
            return render(
                request,
                "growth/feedback/_conversation.html",
                _conversation(request, note, **errors),
            )
        return _render_detail(request, note, **errors)
    if request.htmx:
        return render(
            request,
            "growth/feedback/_conversation.html",
            _conversation(request, note, comment_status="Your comment is added."),
        )
    messages.success(request, "Your comment is added; the others have been told.")
    back = safe_next(request) or url_with_id("feedback-detail", note.pk)
    return redirect(f"{back}#comment-{comment.pk}")


@require_http_methods(["GET", "POST"])
@in_viewer_zone
def feedback_comment_edit(request, pk: int):
    """Change the wording of one's own comment; the history keeps the rest."""
    comment = get_object_or_404(
        FeedbackComment.objects.editable_by(request.access).select_related(
            "note__engineer__user", "note__author"
        ),
        pk=pk,
    )
    form = FeedbackCommentForm(
        request.POST if request.method == "POST" else None,
        instance=FeedbackComment(body=comment.body),
    )
    if request.method == "POST" and form.is_valid():
        try:
            feedback_comment_update(
                comment=comment,
                author=request.user,
                body=form.cleaned_data["body"],
                now=timezone.now(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your comment is changed.")
            detail = url_with_id("feedback-detail", comment.note_id)
            return redirect(f"{detail}#comment-{comment.pk}")
    return render(
        request,
        "growth/feedback/comment_form.html",
        {"form": form, "comment": comment, "note": comment.note},
    )


urlpatterns = [
    path("feedback/", feedback_list, name="feedback-list"),
    path("feedback/new/", feedback_create, name="feedback-create"),
    path(
        "feedback/competencies/",
        competency_options,
        name="feedback-competency-options",
    ),
    path("feedback/<int:pk>/", feedback_detail, name="feedback-detail"),
    path("feedback/<int:pk>/edit/", feedback_edit, name="feedback-edit"),
    path("feedback/<int:pk>/delete/", feedback_delete, name="feedback-delete"),
    path("feedback/<int:pk>/restore/", feedback_restore, name="feedback-restore"),
    path("feedback/deleted/", feedback_deleted, name="feedback-deleted"),
    path(
        "feedback/<int:pk>/acknowledge/",
        feedback_acknowledge,
        name="feedback-acknowledge",
    ),
    path("feedback/<int:pk>/reply/", feedback_reply, name="feedback-reply"),
    path("feedback/<int:pk>/rate/", feedback_rate, name="feedback-rate"),
    path("feedback/<int:pk>/comments/", feedback_comment, name="feedback-comment"),
    path(
        "feedback/comments/<int:pk>/edit/",
        feedback_comment_edit,
        name="feedback-comment-edit",
    ),
]
