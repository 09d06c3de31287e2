from django.urls import path

from console.purchases import views

urlpatterns = [
    path("css/packages/buy/", views.package_buy, name="package_buy"),
]
