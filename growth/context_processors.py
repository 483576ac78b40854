from django.utils.functional import SimpleLazyObject

from growth import pagecache


def navigation(request):
    """The person's roles and unread count, for the navigation: one query, only
    when a template asks and the page cache has not kept them. A view that
    already has the roles passes its own ``roles``, and the navigation reads
    the count from those."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = SimpleLazyObject(lambda: pagecache.roles(request))
    return {
        "roles": roles,
        "unread_notifications": SimpleLazyObject(lambda: roles.unread_notifications),
    }
