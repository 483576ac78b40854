"""Mentoring and 1:1s: the people I meet, and the check-ins I log with them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
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
from growth.forms.checkins import CheckInEditForm, CheckInForm
from growth.models import ActionItem, CheckIn, CheckInKind, Engineer, Mentorship
from growth.selectors import checkins as selectors
from growth.services import checkins as services
from growth.services.submissions import create_once, submission_key
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
        'Log 1:1<span class="visually-hidden"> with {}</span></a></td></tr>',
        links["dashboard"].format(engineer.pk),
        engineer.name,
        engineer.team.name,
        last,
        links["create"],
        engineer.pk,
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
    """Log a 1:1 or mentoring check-in; the pair's open items carry over."""
    engineer, kind, mentorship = _pair_or_404(request)
    now = timezone.now()
    today = timezone.localdate(now, request.user.zone)
    instance = CheckIn(
        author=request.user, engineer=engineer, kind=kind, mentorship=mentorship
    )
    form = CheckInForm(
        request.POST or None,
        instance=instance,
        today=today,
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
                    action_items=form.cleaned_data["action_items"],
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
        },
    )


def check_in_detail(request, pk):
    """Show a check-in's notes and action items to those who may read them."""
    check_in = get_object_or_404(
        CheckIn.objects.visible_to(request.access)
        .select_related("author", "engineer__user", "mentorship")
        .prefetch_related("action_items"),
        pk=pk,
    )
    may_toggle = policy.may_toggle_action_items(request.access, check_in)
    return render(
        request,
        "growth/mentoring/check_in_detail.html",
        {
            "check_in": check_in,
            "may_toggle": may_toggle,
            "may_edit": check_in.author_id == request.user.pk,
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
                add_action_items=form.cleaned_data["action_items"],
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
    """Mark an action item done (done=1) or open again (done=0)."""
    item = get_object_or_404(
        policy.action_items_toggleable_by(
            request.access, ActionItem.objects.select_related("check_in__engineer")
        ),
        pk=pk,
    )
    done = request.POST.get("done") == "1"
    services.action_item_toggle(
        item=item, by=request.user, done=done, now=timezone.now()
    )
    if request.htmx:
        return render(
            request,
            "growth/mentoring/_action_item.html",
            {"item": item, "check_in": item.check_in, "may_toggle": True},
        )
    return redirect(
        reverse("check-in-detail", args=[item.check_in_id]) + f"#item-{item.pk}"
    )


urlpatterns = [
    path("mentoring/", mentoring, name="mentoring"),
    path("check-ins/new/", check_in_create, name="check-in-create"),
    path("check-ins/<int:pk>/", check_in_detail, name="check-in-detail"),
    path("check-ins/<int:pk>/edit/", check_in_edit, name="check-in-edit"),
    path(
        "action-items/<int:pk>/toggle/", action_item_toggle, name="action-item-toggle"
    ),
]
