from django.urls import path

from console import billing_views

urlpatterns = [
    path("css/packages/buy/", billing_views.package_buy, name="package_buy"),
    path("css/packages/<str:code>/", billing_views.package_detail, name="package_detail"),
    path("css/packages/<str:code>/auto-renew/", billing_views.package_auto_renew, name="package_auto_renew"),
    path("css/billing/", billing_views.balance_and_bills, name="billing"),
    path("css/billing/ledger.csv", billing_views.ledger_csv, name="billing_ledger_csv"),
]
