"""Filled in by the team area of the web UI."""

urlpatterns: list = []
