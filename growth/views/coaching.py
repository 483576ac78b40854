"""Filled in by the coaching area of the web UI."""

urlpatterns: list = []
