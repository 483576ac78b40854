from django.utils.functional import SimpleLazyObject

from growth import policy
from growth.models import Notification


def navigation(request):
    """The person's roles and unread count, for the navigation; asked lazily."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "roles": SimpleLazyObject(lambda: policy.roles_of(user)),
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.visible_to(user).unread().count()
        ),
    }
