"""Filled in by the requests area of the web UI."""

urlpatterns: list = []
