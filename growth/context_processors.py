from django.utils.functional import SimpleLazyObject

from growth import pagecache


def navigation(request):
    """The person's roles and unread count, for the navigation: one query, only
    when a template asks and the page cache has not kept them, and the same
    answer a view that checked the roles had (``pagecache.roles``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = SimpleLazyObject(lambda: pagecache.roles(request))
    return {
        "roles": roles,
        "unread_notifications": SimpleLazyObject(lambda: roles.unread_notifications),
    }
