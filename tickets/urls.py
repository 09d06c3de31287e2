from django.urls import path

from tickets import views

app_name = "tickets"
urlpatterns = [
    path("new/", views.submit, name="submit"),
    path("", views.mine, name="mine"),
]
