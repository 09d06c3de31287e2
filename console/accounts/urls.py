from django.urls import path

from console.accounts import views

urlpatterns = [
    path("capi/", views.api_keys, name="api_keys"),
    path("capi/<int:key_id>/enable/", views.api_key_enable, name="api_key_enable"),
    path("capi/<int:key_id>/disable/", views.api_key_disable, name="api_key_disable"),
    path("capi/<int:key_id>/delete/", views.api_key_remove, name="api_key_delete"),
    path("users/", views.users_and_permissions, name="users_permissions"),
    path("users/<int:sub_user_id>/attach/", views.policy_attach_view, name="policy_attach"),
    path("users/attachments/<int:attachment_id>/detach/", views.policy_detach_view, name="policy_detach"),
    path("policies/", views.policy_create_view, name="policy_create"),
    path("policies/<int:policy_id>/delete/", views.policy_delete_view, name="policy_delete"),
]
