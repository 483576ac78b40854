from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with an email address, whatever its case."""

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an active account.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class InvitationPasswordForm(SetPasswordForm):
    """The password an invited person chooses, twice, against Django's validators."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields["new_password2"].label = "The same password again"
