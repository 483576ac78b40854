"""Filled in by the mentoring area of the web UI."""

urlpatterns: list = []
