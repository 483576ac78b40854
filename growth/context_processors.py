import functools

from django.urls import reverse

from growth.policy import access_of, may_see_org_insight
from growth.services.notifications import CHANGED

# The navigation's links: the same for everyone, so reversed once per process
# rather than a dozen times on every page.
NAVIGATION = (
    "home",
    "my-growth",
    "feedback-list",
    "goal-list",
    "one-on-ones",
    "learning-list",
    "session-list",
    "request-list",
    "praise-wall",
    "framework",
    "team-dashboard",
    "mentoring",
    "coaching",
    "org-insight",
    "admin:index",
    "notification-list",
    "profile",
    "logout",
)


@functools.cache
def _links() -> dict[str, str]:
    return {
        name.replace("-", "_").replace(":", "_"): reverse(name) for name in NAVIGATION
    }


def navigation(request):
    """The viewer's ``Access`` for the navigation: their roles and unread
    count, read from the same ids the view's guards and rules read, so the
    menu and the page agree and cost no query of their own; and its links."""
    access = getattr(request, "access", None)
    if access is None or not request.user.is_authenticated:
        return {"nav": _links()}
    if getattr(request.user, CHANGED, False):
        # The view marked notifications read after the Access counted them
        # (opening a request settles its notice): count again, or the badge
        # on this very page would still show them.
        setattr(request.user, CHANGED, False)
        access = request.access = access_of(request.user)
    user = request.user
    return {
        "access": access,
        "nav": _links(),
        # Called by the template only when the menu is drawn: reads staff's
        # permissions, for staff alone.
        "sees_insight": lambda: may_see_org_insight(user, access),
    }
