"""Every HTTP route: each app declares its own; the project adds health, metrics and the admin."""

from django.contrib import admin
from django.urls import include, path

from kindred import app, health
from realtime import metrics

urlpatterns = [
    path("", include("community.urls")),
    path("", include("rooms.urls")),
    path("", include("moderation.urls")),
    path("", include("leadership.urls")),
    path("", include("recovery.urls")),
    path("", include("meetings.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("sw.js", app.service_worker, name="service-worker"),
    path("metrics/", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
]
