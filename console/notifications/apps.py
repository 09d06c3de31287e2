from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "console.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Billing sits below this area and cannot call it: it announces each billed shard and
        # the low-remaining reminders listen.
        from console.notifications import receivers  # noqa: F401
