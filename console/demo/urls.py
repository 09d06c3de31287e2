from django.urls import path

from console.demo import views

app_name = "demo"
urlpatterns = [
    path("", views.home, name="home"),
    path("persona/", views.persona, name="persona"),
    path("clock/", views.clock_move, name="clock"),
    path("clock/deadline/", views.deadline, name="deadline"),
    path("usage/", views.usage, name="usage"),
    path("billing/", views.billing, name="billing"),
    path("billing/window/", views.window, name="window"),
    path("reset/", views.reset, name="reset"),
    path("tour/", views.tour, name="tour"),
]
