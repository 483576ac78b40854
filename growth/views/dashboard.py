"""Filled in by the dashboard area of the web UI."""

urlpatterns: list = []
