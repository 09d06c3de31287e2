from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "console.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Billing sits below this area and cannot call it: the low-remaining reminders register
        # to be called around each shard the daily billing bills.
        from console.billing.hooks import shard_watcher_register
        from console.notifications.watchers import low_remaining_watch

        shard_watcher_register(low_remaining_watch)

        # The overdue-payment lifecycle and the balance alert tell this area of each change.
        from console.billing.hooks import standing_watcher_register
        from console.ledger.hooks import balance_watcher_register
        from console.notifications.standing import balance_alert_notify, standing_notify

        standing_watcher_register(standing_notify)
        balance_watcher_register(balance_alert_notify)
