"""The console's URLs: each area's own `urls.py`, included here and nowhere else."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from console.i18n import language_switch
from console.login import ConsoleLoginView, home

urlpatterns = [
    # `POST /` with X-TC-Action is the Tencent Cloud API 3.0, answered before the URLs are
    # looked at (console.api.middleware); the rest of `/`, the console.
    path("", home, name="home"),
    path("login/", ConsoleLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("", include("refunds.urls")),
    # Before the pages' and packages' own URLs: "buy" is not a package ID.
    path("", include("console.purchases.urls")),
    path("", include("console.pages.urls")),
    path("", include("console.packages.urls")),
    path("", include("console.billing.urls")),
    path("tickets/", include("tickets.urls")),
    path("notifications/", include("console.notifications.urls")),
    path("cam/", include("console.accounts.urls")),
    path("admin/", admin.site.urls),
    # Always routed, so {% url %} works whenever DEMO_MODE flips; each view 404s outside demo mode.
    path("demo/", include("console.demo.urls")),
]
