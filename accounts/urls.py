from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import oidc, views
from accounts.forms import EmailAuthenticationForm

# Django's own views, under Django's own names; the reset ones are public
# (login_not_required) already. The reset link starts from SITE_URL, like every
# other email, rather than from whatever Host header the request carried.
urlpatterns = [
    path(
        "login/",
        oidc.SignInView.as_view(
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    # Single sign-on (OpenID Connect): 404 unless OIDC_ISSUER is set.
    path("oidc/start/", oidc.start, name="oidc-start"),
    path("oidc/callback/", oidc.callback, name="oidc-callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(
            extra_email_context={"site_url": settings.SITE_URL}
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

# The link of an invitation email, at /invitation/ (growth.urls): public, as
# the person has no password yet; the token is the key.
invitation_urlpatterns = [
    path("<str:token>/", views.invitation_accept_view, name="invitation-accept"),
    path("<str:token>/ask/", views.invitation_renewal_view, name="invitation-ask"),
]
