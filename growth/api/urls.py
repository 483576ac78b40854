"""``/api/v1/``: the endpoints, the schema and its documentation page; any
other path, a JSON 404."""

from django.urls import path, re_path

from growth.api import views

app_name = "api"

urlpatterns = [
    path("people/", views.PersonList.as_view(), name="person-list"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="person-detail"),
    path("notes/", views.NoteList.as_view(), name="note-list"),
    path("notes/<int:pk>/", views.NoteDetail.as_view(), name="note-detail"),
    path(
        "notes/<int:pk>/comments/", views.NoteComments.as_view(), name="note-comments"
    ),
    path("requests/", views.RequestList.as_view(), name="request-list"),
    path("requests/<int:pk>/", views.RequestDetail.as_view(), name="request-detail"),
    path(
        "requests/<int:pk>/decline/",
        views.RequestDecline.as_view(),
        name="request-decline",
    ),
    path(
        "requests/<int:pk>/cancel/",
        views.RequestCancel.as_view(),
        name="request-cancel",
    ),
    path("goals/", views.GoalList.as_view(), name="goal-list"),
    path("goals/<int:pk>/", views.GoalDetail.as_view(), name="goal-detail"),
    path(
        "goals/<int:pk>/check-ins/", views.GoalCheckIns.as_view(), name="goal-check-ins"
    ),
    path("learning/", views.LearningList.as_view(), name="learning-list"),
    path("learning/<int:pk>/", views.LearningDetail.as_view(), name="learning-detail"),
    path("praise/", views.PraiseList.as_view(), name="praise-list"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    # Last: anything else here is a JSON 404, not the site's page.
    re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
]
