"""Filled in by the learning area of the web UI."""

urlpatterns: list = []
