from django.urls import path

from console.billing import views

urlpatterns = [
    path("css/billing/", views.balance_and_bills, name="billing"),
    path("css/billing/ledger.csv", views.ledger_csv, name="billing_ledger_csv"),
    path("css/billing/top-up/", views.top_up, name="billing_top_up"),
    path("css/billing/top-ups/<int:pk>/", views.top_up_receipt, name="billing_top_up_receipt"),
    path("css/billing/alert/", views.balance_alert, name="billing_alert"),
    path("css/billing/progress/", views.billing_progress_view, name="billing_progress"),
    path("css/account/standing/", views.standing_banner, name="account_standing_banner"),
]
