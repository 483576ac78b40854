from django.utils.functional import SimpleLazyObject

from growth import policy


def navigation(request):
    """The person's roles and unread count, for the navigation: one query, and
    only when a template asks. A view that already has the roles passes its own
    ``roles``, and the navigation reads the count from those."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = SimpleLazyObject(lambda: policy.roles_of(user))
    return {
        "roles": roles,
        "unread_notifications": SimpleLazyObject(lambda: roles.unread_notifications),
    }
