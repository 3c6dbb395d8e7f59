"""The moderation app's routes: crisis lines, the dashboard and its API, reports."""

from django.urls import include, path

from moderation import pages, views

dashboard_api = [
    path("queue/", views.queue, name="api-mod-queue"),
    path("audit/", views.audit, name="api-mod-audit"),
    path("items/<int:item_id>/context/", views.context, name="api-mod-context"),
    path("actions/<slug:name>/", views.action, name="api-mod-action"),
]

urlpatterns = [
    path("resources/", pages.resources, name="resources"),
    path("safety-plan/", pages.safety_plan, name="safety-plan"),
    path("facilitators/", pages.dashboard, name="dashboard"),
    path("api/reports/", views.report, name="api-reports"),
    path("api/checkins/", views.checkin, name="api-checkins"),
    path("api/moderation/", include(dashboard_api)),
]
