from django.urls import path

from refunds import views

urlpatterns = [
    path("refunds/packages/<int:package_id>/", views.refund_dialog, name="refund_dialog"),
    path("refunds/packages/<int:package_id>/confirm/", views.refund_confirm, name="refund_confirm"),
]
