from django.urls import path

from tickets import views

app_name = "tickets"
urlpatterns = [
    path("new/", views.submit, name="submit"),
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
