"""A real OpenID Connect provider for the tests: a tiny Django project on
django-oidc-provider, run as a process of its own on a loopback port
(``python -m tests.oidc_provider.serve``; tests.oidc_support starts it)."""
