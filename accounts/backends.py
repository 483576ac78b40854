from axes.backends import AxesStandaloneBackend


class SignInLockoutBackend(AxesStandaloneBackend):
    """Refuse a locked-out sign-in over HTTP (django-axes' lockout).

    ``authenticate()`` without a request (a shell, a management command, a
    test checking a password) has no address to lock out, so this backend
    lets the next one decide instead of raising as Axes' own does. Every
    sign-in page passes its request: Django's login view and the admin's.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
