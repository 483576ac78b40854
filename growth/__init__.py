# The Celery app loads with Django, so `celery -A growth worker` just works and
# tasks bind to it.
from growth.celery import app as celery_app

__all__ = ("celery_app",)
