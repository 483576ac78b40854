"""Learning sessions and hackathons: the events the organisation learns at."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from growth import policy
from growth.forms.sessions import (
    SESSION_FIELDS,
    AttendanceForm,
    DemoForm,
    HackathonForm,
    HackathonTeamForm,
    SessionFeedbackForm,
    SessionForm,
)
from growth.models import Engineer, Hackathon, HackathonTeam, LearningSession
from growth.selectors import sessions as selectors
from growth.services import sessions as services
from growth.services.notifications import notifications_settle
from growth.services.submissions import create_once, submission_key


def _me(request) -> Engineer:
    """The signed-in person's engineer profile: events need one (staff without
    one read them, and that is all)."""
    engineer_id = request.access.engineer_id
    if engineer_id is None:
        raise Http404("No engineer profile.")
    return Engineer.objects.select_related("user").get(pk=engineer_id)


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _led_session(request, pk: int) -> LearningSession:
    return get_object_or_404(
        LearningSession.objects.led_by(request.access).select_related("leader__user"),
        pk=pk,
    )


def _visible_session(request, pk: int) -> LearningSession:
    return get_object_or_404(LearningSession.objects.visible_to(request.access), pk=pk)


# --- sessions --------------------------------------------------------------------------


@require_safe
def session_list(request):
    engineer = None
    if request.access.engineer_id is not None:
        engineer = Engineer.objects.get(pk=request.access.engineer_id)
    lists = selectors.session_lists(
        request.access,
        engineer=engineer,
        now=timezone.now(),
        today=timezone.localdate(),
    )
    return render(request, "growth/sessions.html", {"lists": lists})


@require_http_methods(["GET", "POST"])
def session_create(request):
    leader = _me(request)
    now = timezone.now()
    form = SessionForm(request.POST or None, now=now)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in SESSION_FIELDS}
        try:
            session = create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: services.learning_session_propose(
                    leader=leader, created_by=request.user, now=now, **data
                ),
            ).result
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                f"Proposed “{session.title}”. Schedule it when the date is settled "
                "to open sign-ups.",
            )
            return redirect("session-detail", pk=session.pk)
    return render(request, "growth/session_form.html", {"form": form, "session": None})


@require_safe
def session_detail(request, pk: int):
    try:
        page = selectors.session_page(request.access, pk)
    except LearningSession.DoesNotExist:
        raise Http404("No such session.") from None
    notifications_settle(
        user=request.user,
        url=reverse("session-detail", args=[pk]),
        now=timezone.now(),
    )
    now = timezone.now()
    session = page.session
    feedback_form = None
    if page.my_signup and page.my_signup.attended and session.status == "held":
        mine = page.my_feedback
        initial = (
            {"useful": "yes" if mine.useful else "no", "line": mine.line}
            if mine
            else {}
        )
        feedback_form = SessionFeedbackForm(initial=initial)
    return render(
        request,
        "growth/session_detail.html",
        {
            "page": page,
            "session": session,
            "started": session.starts_at <= now,
            "feedback_form": feedback_form,
            "has_profile": request.access.engineer_id is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int):
    session = _led_session(request, pk)
    if not session.is_open:
        raise Http404("A held or cancelled session is kept as it was.")
    title = session.title
    form = SessionForm(request.POST or None, instance=session, now=timezone.now())
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in SESSION_FIELDS}
        try:
            services.learning_session_update(session=session, **data)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, f"Saved “{data['title']}”.")
            return redirect("session-detail", pk=pk)
    return render(
        request,
        "growth/session_form.html",
        {"form": form, "session": session, "title": title},
    )


@require_POST
def session_schedule(request, pk: int):
    session = _led_session(request, pk)
    try:
        services.learning_session_schedule(session=session, now=timezone.now())
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "Scheduled: sign-ups are open.")
    return redirect("session-detail", pk=pk)


@require_POST
def session_cancel(request, pk: int):
    session = _led_session(request, pk)
    try:
        services.learning_session_cancel(session=session, now=timezone.now())
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "Cancelled. Everyone signed up has been told.")
    return redirect("session-detail", pk=pk)


@require_POST
def session_sign_up(request, pk: int):
    session = _visible_session(request, pk)
    engineer = _me(request)
    try:
        _signup, created = services.session_sign_up(
            session=session, engineer=engineer, now=timezone.now()
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        if created:
            messages.success(request, "You are signed up. See you there!")
        else:
            messages.info(request, "You were already signed up.")
    return redirect("session-detail", pk=pk)


@require_POST
def session_withdraw(request, pk: int):
    session = _visible_session(request, pk)
    engineer = _me(request)
    try:
        gone = services.session_withdraw(
            session=session, engineer=engineer, now=timezone.now()
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        if gone:
            messages.success(request, "You gave up your place.")
        else:
            messages.info(request, "You were not signed up.")
    return redirect("session-detail", pk=pk)


@require_http_methods(["GET", "POST"])
def session_attendance(request, pk: int):
    session = _led_session(request, pk)
    now = timezone.now()
    if session.status not in ("scheduled", "held") or session.starts_at > now:
        raise Http404("Attendance is confirmed once a scheduled session started.")
    signups = list(session.signups.select_related("engineer__user"))
    form = AttendanceForm(request.POST or None, session=session, signups=signups)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.session_attendance_confirm(
                session=session, attended=form.people(), logged_by=request.user, now=now
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            count = activity.attendees.count()
            messages.success(
                request,
                f"Attendance confirmed: {count} {'person' if count == 1 else 'people'} "
                "came, and it is logged as their learning.",
            )
            return redirect("session-detail", pk=pk)
    return render(
        request, "growth/session_attendance.html", {"form": form, "session": session}
    )


@require_POST
def session_feedback(request, pk: int):
    session = _visible_session(request, pk)
    engineer = _me(request)
    form = SessionFeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether it was useful, in a line at most.")
        return redirect("session-detail", pk=pk)
    try:
        create_once(
            user=request.user,
            key=submission_key(request.POST),
            create=lambda: services.session_feedback_give(
                session=session,
                engineer=engineer,
                useful=form.cleaned_data["useful"],
                line=form.cleaned_data["line"],
                now=timezone.now(),
            ),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "Thank you: your feedback went to the leader.")
    return redirect("session-detail", pk=pk)


# --- hackathons ----------------------------------------------------------------------


@require_safe
def hackathon_list(request):
    hackathons = selectors.hackathons_listed(request.access)
    return render(request, "growth/hackathons.html", {"hackathons": hackathons})


@require_http_methods(["GET", "POST"])
def hackathon_create(request):
    organiser = _me(request)
    form = HackathonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hackathon = create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: services.hackathon_create(
                    organiser=organiser, now=timezone.now(), **form.cleaned_data
                ),
            ).result
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, f"Announced “{hackathon.title}”.")
            return redirect("hackathon-detail", pk=hackathon.pk)
    return render(request, "growth/hackathon_form.html", {"form": form})


@require_safe
def hackathon_detail(request, pk: int):
    try:
        hackathon, teams, mine = selectors.hackathon_page(request.access, pk)
    except Hackathon.DoesNotExist:
        raise Http404("No such hackathon.") from None
    return render(
        request,
        "growth/hackathon_detail.html",
        {
            "hackathon": hackathon,
            "teams": teams,
            "my_team": mine,
            "organises": hackathon.organiser_id == request.access.engineer_id,
            "has_profile": request.access.engineer_id is not None,
            "team_form": HackathonTeamForm(),
        },
    )


def _visible_hackathon(request, pk: int) -> Hackathon:
    return get_object_or_404(
        policy.hackathons_visible_to(request.access, Hackathon.objects.all()), pk=pk
    )


@require_POST
def hackathon_team_create(request, pk: int):
    hackathon = _visible_hackathon(request, pk)
    engineer = _me(request)
    form = HackathonTeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the team a name of at most 100 characters.")
        return redirect("hackathon-detail", pk=pk)
    try:
        team = create_once(
            user=request.user,
            key=submission_key(request.POST),
            create=lambda: services.hackathon_team_create(
                hackathon=hackathon,
                name=form.cleaned_data["name"],
                engineer=engineer,
                now=timezone.now(),
            ),
        ).result
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"You started the team “{team.name}”.")
    return redirect("hackathon-detail", pk=pk)


@require_POST
def hackathon_team_join(request, pk: int):
    team = get_object_or_404(
        HackathonTeam.objects.filter(
            hackathon__in=policy.hackathons_visible_to(
                request.access, Hackathon.objects.all()
            )
        ),
        pk=pk,
    )
    engineer = _me(request)
    try:
        services.hackathon_team_join(team=team, engineer=engineer)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"You joined “{team.name}”.")
    return redirect("hackathon-detail", pk=team.hackathon_id)


@require_http_methods(["GET", "POST"])
def hackathon_team_demo(request, pk: int):
    try:
        team = selectors.hackathon_team_for_edit(request.access, pk)
    except HackathonTeam.DoesNotExist:
        raise Http404("Not one of your teams.") from None
    form = DemoForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.hackathon_team_demo_update(team=team, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, f"Saved the demo of “{team.name}”.")
            return redirect("hackathon-detail", pk=team.hackathon_id)
    return render(request, "growth/hackathon_demo.html", {"form": form, "team": team})


@require_POST
def hackathon_held(request, pk: int):
    hackathon = get_object_or_404(
        policy.hackathons_organised_by(request.access, Hackathon.objects.all()), pk=pk
    )
    try:
        activity = services.hackathon_mark_held(
            hackathon=hackathon, logged_by=request.user, now=timezone.now()
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        count = activity.attendees.count()
        messages.success(
            request, f"Marked held: logged as learning for {count} team members."
        )
    return redirect("hackathon-detail", pk=pk)


urlpatterns = [
    path("sessions/", session_list, name="session-list"),
    path("sessions/new/", session_create, name="session-create"),
    path("sessions/<int:pk>/", session_detail, name="session-detail"),
    path("sessions/<int:pk>/edit/", session_edit, name="session-edit"),
    path("sessions/<int:pk>/schedule/", session_schedule, name="session-schedule"),
    path("sessions/<int:pk>/cancel/", session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/sign-up/", session_sign_up, name="session-sign-up"),
    path("sessions/<int:pk>/withdraw/", session_withdraw, name="session-withdraw"),
    path(
        "sessions/<int:pk>/attendance/", session_attendance, name="session-attendance"
    ),
    path("sessions/<int:pk>/feedback/", session_feedback, name="session-feedback"),
    path("hackathons/", hackathon_list, name="hackathon-list"),
    path("hackathons/new/", hackathon_create, name="hackathon-create"),
    path("hackathons/<int:pk>/", hackathon_detail, name="hackathon-detail"),
    path(
        "hackathons/<int:pk>/teams/new/",
        hackathon_team_create,
        name="hackathon-team-create",
    ),
    path(
        "hackathons/teams/<int:pk>/join/",
        hackathon_team_join,
        name="hackathon-team-join",
    ),
    path(
        "hackathons/teams/<int:pk>/demo/",
        hackathon_team_demo,
        name="hackathon-team-demo",
    ),
    path("hackathons/<int:pk>/held/", hackathon_held, name="hackathon-held"),
]
