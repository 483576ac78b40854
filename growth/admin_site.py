"""The admin site: Cultivate's names, and no app list built where none shows.

Its own module, not ``growth.admin``: the admin modules register their models
on this site while they load, and it must exist before them.
"""

from django.contrib import admin
from django.utils.functional import SimpleLazyObject


class CultivateAdminSite(admin.AdminSite):
    site_header = "Cultivate admin"
    site_title = "Cultivate admin"
    index_title = "Run Cultivate"
    # No app list beside every page: rendering every model of the site on
    # each page cost about as much as a list's rows. The index and the
    # breadcrumbs lead everywhere it did.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        # Every page's context carries the app list for the sidebar; with the
        # sidebar off only the index and an app's index read it, so it is
        # built when they do (about 2 ms of every other page).
        build = super().get_app_list
        return SimpleLazyObject(lambda: build(request, app_label))
