import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "growth.settings")

app = Celery("growth")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
