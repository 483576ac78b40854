"""Filled in by the reminders area: the signed one-click opt-out."""

urlpatterns: list = []
