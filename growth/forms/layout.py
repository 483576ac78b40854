"""The crispy helper of a form whose template writes the <form> tag itself."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout


def inner_helper(*fields) -> FormHelper:
    """Lay out ``fields``, without the form tag or the CSRF token: the page's
    template writes both, with its submission key."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper
