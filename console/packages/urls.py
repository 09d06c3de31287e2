from django.urls import path

from console.packages import views

# The package's own page is in the page layer (console.pages.urls): it shows the refund verdict.
urlpatterns = [
    path("css/packages/<str:code>/auto-renew/", views.package_auto_renew, name="package_auto_renew"),
]
