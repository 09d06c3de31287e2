from django.urls import path

from console import billing_views

urlpatterns = [
    path("css/packages/<str:code>/", billing_views.package_detail, name="package_detail"),
]
