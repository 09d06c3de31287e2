from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "console"
    verbose_name = _("CSS console")

    def ready(self):
        # `migrate` also creates the database cache's table (the shared rate-limit counters), so
        # the README's two commands need nothing else.
        post_migrate.connect(_cache_tables_create, sender=self, dispatch_uid="console.cache_tables_create")


def _cache_tables_create(sender, using="default", **kwargs):
    from console.core.cache import cache_tables_create

    cache_tables_create(using=using)
