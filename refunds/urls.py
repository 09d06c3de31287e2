from django.urls import path

from refunds import records, views

urlpatterns = [
    path("css/packages/", views.package_list, name="packages"),
    path("refunds/packages/<int:package_id>/", views.refund_dialog, name="refund_dialog"),
    path("refunds/packages/<int:package_id>/confirm/", views.refund_confirm, name="refund_confirm"),
    path("refunds/records/", records.refund_records, name="refund_records"),
]
