from django.urls import path

from console.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.message_center, name="list"),
    path("bell/", views.bell, name="bell"),
    path("<int:delivery_id>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("settings/", views.reminder_settings, name="settings"),
]
