"""Filled in by the goals area of the web UI."""

urlpatterns: list = []
