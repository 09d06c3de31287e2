from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from console import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("css/packages/", views.package_list, name="packages"),
    path("", include("console.billing_urls")),
    path("refunds/", include("refunds.urls")),
    path("tickets/", include("tickets.urls")),
    path("admin/", admin.site.urls),
    # Always routed, so {% url %} works whenever DEMO_MODE flips; each view 404s outside demo mode.
    path("demo/", include("console.demo.urls")),
]
