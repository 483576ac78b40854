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
    A page that answers a successful POST in place (``submission_done`` in its
    context: a new token's secret) gives its forms a new key, so what is sent
    from it next is new too.
    """
    request = context.get("request")
    posted = None
    if request is not None and not context.get("submission_done"):
        posted = submission_key(request.POST)
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, posted or new_key()
    )
