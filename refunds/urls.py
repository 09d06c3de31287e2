from django.urls import path

from refunds import views

app_name = "refunds"
urlpatterns = [
    path("packages/<int:package_id>/", views.refund_dialog, name="dialog"),
    path("packages/<int:package_id>/confirm/", views.refund_confirm, name="confirm"),
]
