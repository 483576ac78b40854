"""Filled in by the profile area of the web UI."""

urlpatterns: list = []
