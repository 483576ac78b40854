"""My 1:1s: every 1:1 and mentoring check-in about me, by pair, the agenda of
the next one (either of the two adds to it), and the open action items.

A pair's page (an engineer's 1:1s, or one mentorship) shows the same for two
people, to both of them: the manager or mentor reaches it from here, from
the mentoring page and from the engineer's dashboard.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from growth.forms.checkins import AgendaItemForm
from growth.models import AgendaItem
from growth.selectors import checkins as selectors
from growth.services import checkins as services
from growth.services.notifications import notifications_settle
from growth.services.submissions import create_once, submission_key
from growth.views.feedback import safe_next


def _settle(request, pairs) -> None:
    """Opening a pair's agenda is reading what its notifications announced."""
    if not request.access.unread_notifications:
        return
    now = timezone.now()
    for pair in pairs:
        notifications_settle(user=request.user, url=pair.url, now=now)


def _agenda_form(pair, data=None, *, by=None) -> AgendaItemForm:
    point = AgendaItem(
        engineer=pair.engineer, kind=pair.kind, mentorship=pair.mentorship, added_by=by
    )
    return AgendaItemForm(data, instance=point, auto_id=f"id_{pair.key}_%s")


@require_safe
def my_one_on_ones(request):
    """My 1:1s and mentoring check-ins, by pair; and the people I meet."""
    access = request.access
    today = timezone.localdate(timezone.now(), request.user.zone)
    engineer = (
        selectors.pair_engineer(access, access.engineer_id)
        if access.engineer_id
        else None
    )
    pairs = selectors.my_pairs(access, engineer, today=today) if engineer else []
    for pair in pairs:
        pair.form = _agenda_form(pair) if pair.may_add else None
    _settle(request, pairs)
    people = (
        selectors.people_i_meet(access) if access.manager or access.mentor else None
    )
    return render(
        request,
        "growth/one_on_ones/mine.html",
        {
            "engineer": engineer,
            "pairs": pairs,
            "people": people,
            "today": today,
            "here": request.path,
        },
    )


def _pair_page(request, pair):
    """Show a pair; a POST adds a talking point to its next check-in."""
    form = None
    if pair.may_add:
        form = _agenda_form(
            pair, request.POST if request.method == "POST" else None, by=request.user
        )
    if request.method == "POST":
        if form is None:
            raise Http404("Only the two people who meet add to their agenda.")
        if form.is_valid():
            try:
                create_once(
                    user=request.user,
                    key=submission_key(request.POST),
                    create=lambda: services.agenda_item_add(
                        by=request.user,
                        engineer=pair.engineer,
                        kind=pair.kind,
                        mentorship=pair.mentorship,
                        text=form.cleaned_data["text"],
                        now=timezone.now(),
                    ),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Talking point added.")
                return redirect(safe_next(request) or f"{pair.url}#agenda-{pair.key}")
    else:
        _settle(request, [pair])
    pair.form = form
    return render(
        request,
        "growth/one_on_ones/pair.html",
        {
            "pair": pair,
            "today": timezone.localdate(timezone.now(), request.user.zone),
            "here": request.path,
            "may_hold": request.access.manages(pair.engineer.pk)
            if pair.mentorship is None
            else pair.current and pair.mentorship.mentor_id in request.access.own_ids,
        },
    )


def one_on_one_pair(request, engineer_id: int):
    """An engineer's 1:1s: for them and their manager."""
    today = timezone.localdate(timezone.now(), request.user.zone)
    engineer = selectors.pair_engineer(request.access, engineer_id)
    pair = engineer and selectors.one_on_one_pair(request.access, engineer, today=today)
    if pair is None:
        raise Http404("No such 1:1s among yours.")
    return _pair_page(request, pair)


def mentoring_pair(request, mentorship_id: int):
    """One mentorship's check-ins: for the mentee, the mentor (and the
    mentee's manager and other mentors, who read them)."""
    today = timezone.localdate(timezone.now(), request.user.zone)
    pair = selectors.mentoring_pair(request.access, mentorship_id, today=today)
    if pair is None:
        raise Http404("No such mentorship among yours.")
    return _pair_page(request, pair)


@require_POST
def agenda_item_remove(request, pk: int):
    """Take back a talking point one added, before it is discussed."""
    point = get_object_or_404(AgendaItem.objects.removable_by(request.access), pk=pk)
    services.agenda_item_remove(item=point, by=request.user)
    messages.success(request, "Talking point taken off the agenda.")
    url = selectors.pair_url(
        point.kind, engineer_id=point.engineer_id, mentorship_id=point.mentorship_id
    )
    return redirect(safe_next(request) or url)


urlpatterns = [
    path("one-on-ones/", my_one_on_ones, name="one-on-ones"),
    path("one-on-ones/<int:engineer_id>/", one_on_one_pair, name="one-on-one-pair"),
    path(
        "one-on-ones/mentoring/<int:mentorship_id>/",
        mentoring_pair,
        name="mentoring-pair",
    ),
    path(
        "agenda-items/<int:pk>/remove/", agenda_item_remove, name="agenda-item-remove"
    ),
]
