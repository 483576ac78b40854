"""The career framework: the public ladder, an engineer's place on it, and
writing and sharing assessments and readiness."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from growth import policy
from growth.forms.framework import AssessmentForm, ReadinessForm, SharingForm
from growth.models import AssessmentRole
from growth.selectors import framework as selectors
from growth.services import framework as services
from growth.services.notifications import notifications_settle
from growth.services.submissions import create_once, submission_key
from growth.views import framework_html


def _form_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form, by field where the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _refused(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


# --- the public framework ---------------------------------------------------------


@require_safe
def framework(request):
    """Every track and its levels: what growing means here."""
    return render(
        request,
        "growth/framework/framework.html",
        {"tracks": selectors.tracks_overview()},
    )


@require_safe
def framework_track(request, track: str):
    """One track: its levels × competencies with the expectation of each."""
    matrix = selectors.track_matrix(track, request.GET.get("level"))
    return render(request, "growth/framework/framework_track.html", {"m": matrix})


# --- an engineer's framework page --------------------------------------------------


def _render_engineer(request, pk: int):
    now = timezone.now()
    engineer = selectors.framework_engineer(request.access, pk, now=now)
    if request.access.unread_notifications:
        notifications_settle(user=request.user, url=request.path, now=now)
    page = selectors.engineer_framework_build(
        access=request.access, engineer=engineer, now=now
    )
    with timezone.override(request.user.zone):
        targets = framework_html.links()
        areas = [
            (
                area,
                [
                    framework_html.competency_html(r, page=page, links=targets)
                    for r in area.rows
                ],
            )
            for area in page.areas
        ]
        return render(
            request,
            "growth/framework/engineer_framework.html",
            {
                "page": page,
                "engineer": engineer,
                "roles": AssessmentRole,
                "areas": areas,
            },
        )


@require_safe
def my_framework(request):
    """The signed-in person's place on their track."""
    if request.access.engineer_id is None:
        return render(request, "growth/dashboard/no_profile.html")
    return _render_engineer(request, request.access.engineer_id)


@require_safe
def engineer_framework(request, pk: int):
    """A report's place on their track (or a mentee's, when they share it)."""
    return _render_engineer(request, pk)


@require_POST
def framework_sharing(request):
    """The engineer lets their mentors read their assessments, or stops."""
    engineer = selectors.framework_engineer(
        request.access, request.access.engineer_id or 0
    )
    form = SharingForm(request.POST)
    form.is_valid()
    shares = bool(form.cleaned_data.get("shares"))
    services.engineer_assessment_sharing_set(
        engineer=engineer, by=request.user, shares=shares, access=request.access
    )
    messages.success(
        request,
        "Your mentors can now read your assessments and readiness."
        if shares
        else "Your assessments and readiness are for you and your manager only now.",
    )
    return redirect("my-framework")


# --- assessments -----------------------------------------------------------------


@require_POST
def assessment_start(request, pk: int):
    """Begin the viewer's assessment of engineer ``pk``, or go on with the draft."""
    engineer = selectors.framework_engineer(request.access, pk)
    if policy.assessment_role_of(request.access, pk) is None:
        raise Http404("No assessment of theirs for you to write.")
    try:
        assessment = create_once(
            user=request.user,
            key=submission_key(request.POST),
            create=lambda: services.assessment_start(
                engineer=engineer,
                by=request.user,
                access=request.access,
                now=timezone.now(),
            ),
        ).result
    except ValidationError as error:
        _refused(request, error)
        return redirect(_page_url(request, engineer.pk))
    return redirect("assessment-edit", pk=assessment.pk)


def _page_url(request, engineer_id: int) -> str:
    if engineer_id == request.access.engineer_id:
        return reverse("my-framework")
    return reverse("engineer-framework", args=[engineer_id])


def _assessment_form(request, assessment):
    competencies = selectors.assessment_competencies(assessment)
    choices = selectors.evidence_choices(
        access=request.access,
        engineer=assessment.engineer,
        competencies=competencies,
        now=timezone.now(),
    )
    ratings = {
        r.competency_id: r
        for r in assessment.ratings.prefetch_related(
            "evidence_notes", "evidence_goals", "evidence_learning"
        )
    }
    return AssessmentForm(
        request.POST or None,
        competencies=competencies,
        choices=choices,
        ratings=ratings,
    )


@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk: int):
    """Write a draft assessment: a row per competency of the level. With
    ``?discard``, the step that asks before throwing it away; that step posts
    ``then=discard`` (the form itself never does)."""
    if request.method == "POST" and request.POST.get("then") == "discard":
        return _assessment_discard(request, pk)
    try:
        assessment = selectors.assessment_for_edit(request.access, pk)
    except Http404:
        return _shared_already(request, pk)
    if request.method == "GET" and "discard" in request.GET:
        return _discard_confirm(request, assessment)
    form = _assessment_form(request, assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_save(
                assessment=assessment,
                by=request.user,
                ratings=form.ratings(),
                access=request.access,
                now=timezone.now(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if request.POST.get("then") == "share":
                return redirect("assessment-share", pk=assessment.pk)
            messages.success(request, "Draft saved. Only you can read it.")
            return redirect("assessment-edit", pk=assessment.pk)
    engineer = assessment.engineer
    with timezone.override(request.user.zone):
        return render(
            request,
            "growth/framework/assessment_edit.html",
            {
                "form": form,
                "assessment": assessment,
                "engineer": engineer,
                # Begun before a promotion (or a move): say so, and offer the
                # way out, discarding it.
                "stale": assessment.level_id != engineer.level_id,
                "page_url": _page_url(request, assessment.engineer_id),
            },
        )


def _shared_already(request, pk: int):
    """Back to the framework page when the viewer shared this assessment
    already: a second click of Share, the Back button, another tab. Anyone
    else's, or one gone, stays a 404."""
    shared = selectors.assessment_shared_by(request.access, pk)
    if shared is None:
        raise Http404("No draft of yours to write.")
    messages.info(request, "You have shared this assessment: it is read-only now.")
    return redirect(_page_url(request, shared.engineer_id))


def _discard(request, pk: int):
    assessment = selectors.assessment_for_edit(request.access, pk)
    services.assessment_discard(
        assessment=assessment, by=request.user, access=request.access
    )
    return assessment.engineer


def _assessment_discard(request, pk: int):
    """Throw away a draft of one's own, asked first. The step's submission key
    records the discard, so a second click of it finds the draft gone and
    goes back to the page, discarding nothing more; anyone else gets a 404."""
    outcome = create_once(
        user=request.user,
        key=submission_key(request.POST),
        create=lambda: _discard(request, pk),
    )
    engineer = outcome.result
    if not outcome.repeated:
        level = engineer.level
        against = f" against {level.name}" if level else ""
        messages.success(
            request, f"Draft discarded. Start a new one{against} when you are ready."
        )
    return redirect(_page_url(request, engineer.pk))


def _discard_confirm(request, assessment):
    engineer = assessment.engineer
    with timezone.override(request.user.zone):
        return render(
            request,
            "growth/framework/assessment_discard.html",
            {
                "assessment": assessment,
                "engineer": engineer,
                "stale": assessment.level_id != engineer.level_id,
                "rated": assessment.ratings.count(),
            },
        )


@require_http_methods(["GET", "POST"])
def assessment_share(request, pk: int):
    """Confirm, then share a draft with the other side: read-only from then."""
    try:
        assessment = selectors.assessment_for_edit(request.access, pk)
    except Http404:
        return _shared_already(request, pk)
    if request.method == "POST":
        try:
            services.assessment_share(
                assessment=assessment,
                by=request.user,
                access=request.access,
                now=timezone.now(),
            )
        except ValidationError as error:
            _refused(request, error)
            return redirect("assessment-edit", pk=assessment.pk)
        engineer = assessment.engineer
        if assessment.role == AssessmentRole.SELF:
            who = engineer.manager or "your manager"
            messages.success(request, f"Self-assessment shared with {who}.")
        else:
            messages.success(request, f"Assessment shared with {engineer}.")
        return redirect(_page_url(request, engineer.pk))
    competencies = selectors.assessment_competencies(assessment)
    rated = {r.competency_id: r for r in assessment.ratings.all()}
    missing = [c for c in competencies if c.pk not in rated]
    return render(
        request,
        "growth/framework/assessment_share.html",
        {
            "assessment": assessment,
            "engineer": assessment.engineer,
            "rows": [(c, rated.get(c.pk)) for c in competencies],
            "missing": missing,
        },
    )


# --- readiness ---------------------------------------------------------------------


def _readiness_engineer(request, pk: int):
    if not policy.may_write_readiness(request.access, pk):
        raise Http404("Only their manager writes their readiness.")
    engineer = selectors.framework_engineer(request.access, pk)
    target = engineer.level.next_level() if engineer.level else None
    if target is None:
        raise Http404("No next level to be ready for.")
    return engineer, target


@require_http_methods(["GET", "POST"])
def readiness_edit(request, pk: int):
    """The manager writes how ready a report is for their next level."""
    engineer, target = _readiness_engineer(request, pk)
    readiness = selectors.readiness_of(request.access, engineer, target)
    initial = (
        {"status": readiness.status, "summary": readiness.summary} if readiness else {}
    )
    form = ReadinessForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.readiness_save(
                engineer=engineer,
                by=request.user,
                access=request.access,
                now=timezone.now(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if request.POST.get("then") == "share":
                return redirect("readiness-share", pk=engineer.pk)
            shared = readiness is not None and readiness.shared_at is not None
            messages.success(
                request,
                f"Readiness saved; {engineer} reads this version."
                if shared
                else "Readiness saved. Only you can read it until you share it.",
            )
            return redirect("engineer-framework", pk=engineer.pk)
    return render(
        request,
        "growth/framework/readiness_edit.html",
        {"form": form, "engineer": engineer, "target": target, "readiness": readiness},
    )


@require_http_methods(["GET", "POST"])
def readiness_share(request, pk: int):
    """Confirm, then let the engineer read their readiness summary."""
    engineer, target = _readiness_engineer(request, pk)
    readiness = selectors.readiness_of(request.access, engineer, target)
    if readiness is None:
        messages.error(request, "Write the summary before sharing it.")
        return redirect("readiness-edit", pk=engineer.pk)
    if request.method == "POST":
        services.readiness_share(
            readiness=readiness,
            by=request.user,
            access=request.access,
            now=timezone.now(),
        )
        messages.success(request, f"Readiness shared with {engineer}.")
        return redirect("engineer-framework", pk=engineer.pk)
    return render(
        request,
        "growth/framework/readiness_share.html",
        {"engineer": engineer, "target": target, "readiness": readiness},
    )


urlpatterns = [
    path("framework/", framework, name="framework"),
    path("framework/<slug:track>/", framework_track, name="framework-track"),
    path("me/framework/", my_framework, name="my-framework"),
    path("me/framework/sharing/", framework_sharing, name="framework-sharing"),
    path(
        "engineers/<int:pk>/framework/", engineer_framework, name="engineer-framework"
    ),
    path(
        "engineers/<int:pk>/framework/assessment/",
        assessment_start,
        name="assessment-start",
    ),
    path("assessments/<int:pk>/", assessment_edit, name="assessment-edit"),
    path("assessments/<int:pk>/share/", assessment_share, name="assessment-share"),
    path(
        "engineers/<int:pk>/framework/readiness/",
        readiness_edit,
        name="readiness-edit",
    ),
    path(
        "engineers/<int:pk>/framework/readiness/share/",
        readiness_share,
        name="readiness-share",
    ),
]
