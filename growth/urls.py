from django.contrib import admin
from django.urls import include, path

from accounts.urls import invitation_urlpatterns
from growth.views import (
    coaching,
    dashboard,
    feedback,
    framework,
    framework_team,
    goals,
    insight,
    learning,
    mentoring,
    notifications,
    one_on_ones,
    praise,
    profile,
    reminders,
    requests,
    rhythm,
    sessions,
    team,
)
from growth.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("", include(dashboard.urlpatterns)),
    path("", include(goals.urlpatterns)),
    path("", include(feedback.urlpatterns)),
    path("", include(praise.urlpatterns)),
    path("", include(requests.urlpatterns)),
    path("", include(team.urlpatterns)),
    path("", include(framework_team.urlpatterns)),
    path("", include(mentoring.urlpatterns)),
    path("", include(one_on_ones.urlpatterns)),
    path("", include(coaching.urlpatterns)),
    path("", include(insight.urlpatterns)),
    path("", include(learning.urlpatterns)),
    path("", include(rhythm.urlpatterns)),
    path("", include(sessions.urlpatterns)),
    path("", include(notifications.urlpatterns)),
    path("", include(profile.urlpatterns)),
    path("", include(framework.urlpatterns)),
    path("", include(reminders.urlpatterns)),
    path("", include("growth.views.health")),
    path("api/v1/", include("growth.api.urls")),
    path("accounts/", include("accounts.urls")),
    path("invitation/", include(invitation_urlpatterns)),
    path("admin/", admin.site.urls),
]
