"""Filled in by the feedback area of the web UI."""

urlpatterns: list = []
