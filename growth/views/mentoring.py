"""Mentoring and 1:1s: the people I meet, the check-ins I log with them, and
their action items."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from growth import policy
from growth.forms.checkins import ActionItemForm, CheckInEditForm, CheckInForm
from growth.models import (
    ActionItem,
    AgendaItem,
    CheckIn,
    CheckInKind,
    Engineer,
    Mentorship,
)
from growth.selectors import checkins as selectors
from growth.services import checkins as services
from growth.services.notifications import notifications_settle
from growth.services.submissions import create_once, submission_key
from growth.views.feedback import safe_next
from growth.views.links import url_for_ids


def _add_errors(form, error: ValidationError) -> None:
    """Show a service's errors on the form: on their field when the form has
    it, above the form otherwise."""
    by_field = (
        error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    )
    for field, messages_ in by_field.items():
        form.add_error(field if field in form.fields else None, messages_)


def _report_html(engineer: Engineer, links: dict[str, str]) -> SafeString:
    """A row of "My reports", written here rather than by a template loop,
    whose tags and lookups cost ~200 µs a row, most of the page's rendering."""
    if engineer.last_one_on_one_id:
        last = format_html(
            '<a href="{}">{}</a>',
            links["check_in"].format(engineer.last_one_on_one_id),
            date_format(engineer.last_one_on_one, "j M Y"),
        )
    else:
        last = "none yet"
    return format_html(
        '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td>'
        '<td><a class="btn btn-outline-primary btn-sm" '
        'href="{}?engineer={}&amp;kind=one_on_one">'
        'Log 1:1<span class="visually-hidden"> with {}</span></a> '
        '<a class="btn btn-outline-secondary btn-sm" href="{}">'
        'Agenda<span class="visually-hidden"> of your 1:1s with {}</span></a>'
        "</td></tr>",
        links["dashboard"].format(engineer.pk),
        engineer.name,
        engineer.team.name,
        last,
        links["create"],
        engineer.pk,
        engineer.name,
        links["pair"].format(engineer.pk),
        engineer.name,
    )


def _recent_html(check_in: CheckIn, links: dict[str, str]) -> SafeString:
    """An item of "My recent check-ins", written here for the same reason."""
    open_items = check_in.open_items
    badge = (
        format_html(
            '<span class="badge text-bg-secondary">{} open item{}</span>',
            open_items,
            pluralize(open_items),
        )
        if open_items
        else ""
    )
    return format_html(
        '<li class="list-group-item d-flex justify-content-between '
        'align-items-center"><a href="{}">{} with {} on {}</a>{}</li>',
        links["check_in"].format(check_in.pk),
        check_in.get_kind_display(),
        check_in.engineer.name,
        date_format(check_in.held_on, "j M Y"),
        badge,
    )


def mentoring(request):
    """My mentees and my reports, with when we last met."""
    access = request.access
    if not (access.mentor or access.manager):
        raise Http404("Only mentors and managers have a mentoring page.")
    today = timezone.localdate(timezone.now(), request.user.zone)
    mentorships = selectors.mentoring_as_mentor(access, today=today)
    reports = list(selectors.report_rows(access)) if access.manager else []
    links = {
        "dashboard": url_for_ids("engineer-dashboard"),
        "check_in": url_for_ids("check-in-detail"),
        "create": reverse("check-in-create"),
        "pair": url_for_ids("one-on-one-pair"),
    }
    return render(
        request,
        "growth/mentoring/mentoring.html",
        {
            "mentees": mentorships.current,
            "reports": reports,
            "reports_html": [_report_html(e, links) for e in reports],
            "past": mentorships.past,
            "recent_html": [
                _recent_html(c, links) for c in selectors.recent_check_ins(access)
            ],
            "check_in_create_url": links["create"],
        },
    )


def _pair_or_404(request) -> tuple[Engineer, str, Mentorship | None]:
    """Who the new check-in is with: my direct report for a 1:1, my active
    mentee for mentoring. Anyone else is a 404."""
    try:
        engineer_id = int(request.GET.get("engineer", ""))
    except ValueError:
        raise Http404("Pick an engineer.") from None
    kind = request.GET.get("kind", CheckInKind.ONE_ON_ONE)
    if kind == CheckInKind.ONE_ON_ONE:
        engineer = get_object_or_404(
            policy.one_on_one_engineers(
                request.access, Engineer.objects.select_related("user", "manager")
            ),
            pk=engineer_id,
        )
        return engineer, kind, None
    if kind == CheckInKind.MENTORING:
        mentorship = get_object_or_404(
            policy.mentoring_mentorships(
                request.access,
                Mentorship.objects.select_related("mentor", "mentee__user"),
            ),
            mentee__pk=engineer_id,  # not mentee_id: that one overflows on SQLite
        )
        return mentorship.mentee, kind, mentorship
    raise Http404("Unknown kind of check-in.")


def check_in_create(request):
    """Log a 1:1 or mentoring check-in; the pair's open items carry over, and
    the talking points ticked are discussed in it."""
    engineer, kind, mentorship = _pair_or_404(request)
    now = timezone.now()
    today = timezone.localdate(now, request.user.zone)
    instance = CheckIn(
        author=request.user, engineer=engineer, kind=kind, mentorship=mentorship
    )
    agenda = (
        AgendaItem.objects.visible_to(request.access)
        .open()
        .of_pair(
            engineer_id=engineer.pk,
            kind=kind,
            mentorship_id=mentorship.pk if mentorship else None,
        )
        .select_related("added_by")
    )
    form = CheckInForm(
        request.POST or None,
        instance=instance,
        today=today,
        agenda=agenda,
        initial={"held_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            check_in = create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: services.check_in_create(
                    author=request.user,
                    engineer=engineer,
                    kind=kind,
                    mentorship=mentorship,
                    held_on=form.cleaned_data["held_on"],
                    notes=form.cleaned_data["notes"],
                    private_notes=form.cleaned_data["private_notes"],
                    action_items=form.cleaned_data["action_items"],
                    author_action_items=form.cleaned_data["author_action_items"],
                    due_on=form.cleaned_data["due_on"],
                    discussed=form.cleaned_data.get("discussed", ()),
                    now=now,
                ),
            ).result
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Check-in with {engineer} saved.")
            return redirect("check-in-detail", pk=check_in.pk)
    carry_over = selectors.carry_over_items(
        author=request.user, engineer=engineer, kind=kind, mentorship=mentorship
    )
    return render(
        request,
        "growth/mentoring/check_in_form.html",
        {
            "form": form,
            "engineer": engineer,
            "kind": kind,
            "kind_noun": CheckInKind(kind).noun,
            "mentorship": mentorship,
            "carry_over": carry_over,
            "pair_url": selectors.pair_url(
                kind,
                engineer_id=engineer.pk,
                mentorship_id=mentorship.pk if mentorship else None,
            ),
        },
    )


def check_in_detail(request, pk):
    """Show a check-in's notes, talking points and action items to those who
    may read them; its private notes to its author alone."""
    check_in = get_object_or_404(
        CheckIn.objects.visible_to(request.access)
        .select_related("author", "engineer__user", "mentorship")
        .prefetch_related(
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("owner"),
                to_attr="items",
            ),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("added_by"),
                to_attr="discussed",
            ),
        ),
        pk=pk,
    )
    if request.access.unread_notifications:
        notifications_settle(user=request.user, url=request.path, now=timezone.now())
    is_author = check_in.author_id == request.user.pk
    for item in check_in.items:
        item.may_toggle = policy.may_toggle_action_item(request.access, item, check_in)
    return render(
        request,
        "growth/mentoring/check_in_detail.html",
        {
            "check_in": check_in,
            "may_edit": is_author,
            "private_notes": policy.may_read_private_notes(request.access, check_in),
            "today": timezone.localdate(timezone.now(), request.user.zone),
            # An author no longer in the pair keeps the check-in, not the pair.
            "pair_url": selectors.pair_url(
                check_in.kind,
                engineer_id=check_in.engineer_id,
                mentorship_id=check_in.mentorship_id,
            )
            if policy.may_read_pair(
                request.access, engineer_id=check_in.engineer_id, kind=check_in.kind
            )
            else None,
        },
    )


def check_in_edit(request, pk):
    """Let the author correct a check-in and its list of action items."""
    check_in = get_object_or_404(
        CheckIn.objects.editable_by(request.access).select_related(
            "author", "engineer__user", "mentorship"
        ),
        pk=pk,
    )
    now = timezone.now()
    form = CheckInEditForm(
        request.POST or None,
        instance=check_in,
        today=timezone.localdate(now, request.user.zone),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in_update(
                check_in=check_in,
                held_on=form.cleaned_data["held_on"],
                notes=form.cleaned_data["notes"],
                private_notes=form.cleaned_data["private_notes"],
                add_action_items=form.cleaned_data["action_items"],
                add_author_action_items=form.cleaned_data["author_action_items"],
                due_on=form.cleaned_data["due_on"],
                remove_action_items=form.cleaned_data.get("remove_action_items", ()),
                now=now,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Check-in updated.")
            return redirect("check-in-detail", pk=check_in.pk)
    return render(
        request,
        "growth/mentoring/check_in_edit.html",
        {"form": form, "check_in": check_in},
    )


@require_POST
def action_item_toggle(request, pk):
    """Mark an action item done (done=1) or open again (done=0): its owner
    does, or the check-in's author."""
    item = get_object_or_404(
        ActionItem.objects.toggleable_by(request.access).select_related(
            "check_in__engineer__user", "owner"
        ),
        pk=pk,
    )
    done = request.POST.get("done") == "1"
    now = timezone.now()
    services.action_item_toggle(item=item, by=request.user, done=done, now=now)
    if request.htmx:
        item.may_toggle = True
        return render(
            request,
            "growth/mentoring/_action_item.html",
            {
                "item": item,
                "check_in": item.check_in,
                "may_edit": item.check_in.author_id == request.user.pk,
                "today": timezone.localdate(now, request.user.zone),
                "show_check_in": request.POST.get("show_check_in") == "1",
            },
        )
    return redirect(
        safe_next(request)
        or reverse("check-in-detail", args=[item.check_in_id]) + f"#item-{item.pk}"
    )


def action_item_edit(request, pk):
    """Let the check-in's author rewrite an item, give it to the other person
    or set when it is due."""
    item = get_object_or_404(
        policy.action_items_editable_by(
            request.access,
            ActionItem.objects.select_related(
                "check_in__engineer__user", "check_in__author"
            ),
        ),
        pk=pk,
    )
    check_in = item.check_in
    today = timezone.localdate(timezone.now(), request.user.zone)
    form = ActionItemForm(
        request.POST or None,
        instance=item,
        owners=services.action_item_owners(check_in),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(
                item=item,
                by=request.user,
                description=form.cleaned_data["description"],
                owner_id=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Action item updated.")
            return redirect(
                reverse("check-in-detail", args=[check_in.pk]) + f"#item-{item.pk}"
            )
    return render(
        request,
        "growth/mentoring/action_item_edit.html",
        {"form": form, "item": item, "check_in": check_in},
    )


urlpatterns = [
    path("mentoring/", mentoring, name="mentoring"),
    path("check-ins/new/", check_in_create, name="check-in-create"),
    path("check-ins/<int:pk>/", check_in_detail, name="check-in-detail"),
    path("check-ins/<int:pk>/edit/", check_in_edit, name="check-in-edit"),
    path(
        "action-items/<int:pk>/toggle/", action_item_toggle, name="action-item-toggle"
    ),
    path("action-items/<int:pk>/edit/", action_item_edit, name="action-item-edit"),
]
