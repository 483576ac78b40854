from django import template
from django.utils.html import format_html

from growth.models.submissions import new_key
from growth.services.submissions import FIELD, submission_key

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_key_input(context):
    """The hidden one-time key that makes posting this form twice create once.

    A form shown again after an error keeps the key it was posted with: nothing
    was recorded under it, and a retry of that POST must still be recognised.
    """
    request = context.get("request")
    posted = submission_key(request.POST) if request is not None else None
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, posted or new_key()
    )
