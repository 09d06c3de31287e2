from django.urls import path

from console.billing import views

urlpatterns = [
    path("css/billing/", views.balance_and_bills, name="billing"),
    path("css/billing/ledger.csv", views.ledger_csv, name="billing_ledger_csv"),
    path("css/billing/progress/", views.billing_progress_view, name="billing_progress"),
]
