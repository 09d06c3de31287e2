from django.urls import path

from console.pages import refund_records
from console.pages.packages import billing_mode, detail
from console.pages.packages import views as packages

urlpatterns = [
    path("css/packages/", packages.package_list, name="packages"),
    path("css/packages/export.csv", packages.package_list_csv, name="packages_csv"),
    path("css/packages/billing-mode/<str:mode>/", billing_mode.billing_mode_change_view, name="billing_mode_change"),
    path("css/packages/<str:code>/", detail.package_detail, name="package_detail"),
    path("refunds/records/", refund_records.refund_records, name="refund_records"),
    path("refunds/records.csv", refund_records.refund_records_csv, name="refund_records_csv"),
]
