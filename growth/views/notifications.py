"""Filled in by the notifications area of the web UI."""

urlpatterns: list = []
