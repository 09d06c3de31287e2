"""The shared kernel's tables: the audit trail and the presenter's clock offset."""

from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyModel(models.Model):
    """Rows are written once: updates and deletes raise, so history cannot be rewritten."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are append-only")


class AuditEntry(AppendOnlyModel):
    """Who did what to which object, what it was before and after, and the policy's verdict."""

    at = models.DateTimeField(verbose_name=_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor"))
    # Kept as text too, so the trail reads the same after a user is renamed.
    actor_label = models.CharField(max_length=150, verbose_name=_("actor label"))
    # One of console.core.audit.AuditAction.
    action = models.CharField(max_length=60, verbose_name=_("action"))
    account = models.ForeignKey("console.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries", verbose_name=_("account"))
    object_type = models.CharField(max_length=60, verbose_name=_("object type"))
    object_id = models.CharField(max_length=60, verbose_name=_("object id"))
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder, verbose_name=_("before"))
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder, verbose_name=_("after"))
    verdict = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder, verbose_name=_("verdict"))
    note = models.TextField(blank=True, verbose_name=_("note"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class DemoClock(models.Model):
    """The presenter's shift of the clock, one row. Read only when settings.DEMO_MODE is on."""

    offset = models.DurationField(default=timedelta(0), verbose_name=_("offset"))

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="demo_clock_single_row")]
