from django.urls import path

from console.packages import views

urlpatterns = [
    path("css/packages/<str:code>/", views.package_detail, name="package_detail"),
    path("css/packages/<str:code>/auto-renew/", views.package_auto_renew, name="package_auto_renew"),
]
