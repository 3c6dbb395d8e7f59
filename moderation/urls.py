"""The moderation app's routes: crisis lines, the dashboard and its API, reports."""

from django.urls import path

from moderation import pages, views

urlpatterns = [
    path("resources/", pages.resources, name="resources"),
    path("safety-plan/", pages.safety_plan, name="safety-plan"),
    path("facilitators/", pages.dashboard, name="dashboard"),
    path("api/reports/", views.report, name="api-reports"),
    path("api/checkins/", views.checkin, name="api-checkins"),
    path("api/moderation/queue/", views.queue, name="api-mod-queue"),
    path("api/moderation/audit/", views.audit, name="api-mod-audit"),
    path(
        "api/moderation/items/<int:item_id>/context/",
        views.context,
        name="api-mod-context",
    ),
    path("api/moderation/actions/<slug:name>/", views.action, name="api-mod-action"),
]
