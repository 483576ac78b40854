from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.db.models.signals import post_delete


class GrowthConfig(AppConfig):
    name = "growth"
    verbose_name = "Growth"

    def ready(self):
        from celery.signals import worker_init

        from growth import privacy
        from growth.models import Engineer
        from growth.reminders import delivery

        # A claim must outlast the task that holds it, or a slow send goes twice:
        # checked by `manage.py check` (and migrate), and by a starting worker.
        checks.register(delivery.check_claim_timeout)
        worker_init.connect(delivery.refuse_unsafe_worker, dispatch_uid="claim-timeout")

        # However a person goes (erased, or deleted in the admin), the change
        # history goes with them: what was about them, and their name on the rest.
        post_delete.connect(
            privacy.on_engineer_deleted,
            sender=Engineer,
            dispatch_uid="engineer-history",
        )
        post_delete.connect(
            privacy.on_user_deleted,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="user-history",
        )


class CultivateAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with Cultivate's site (``growth.admin_site``)."""

    default = False  # named in INSTALLED_APPS; "growth" means GrowthConfig
    default_site = "growth.admin_site.CultivateAdminSite"
