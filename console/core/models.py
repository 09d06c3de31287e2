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

    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Kept as text too, so the trail reads the same after a user is renamed.
    actor_label = models.CharField(max_length=150)
    # One of console.core.audit.AuditAction.
    action = models.CharField(max_length=60)
    account = models.ForeignKey("console.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries")
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    verdict = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class DemoClock(models.Model):
    """The presenter's shift of the clock, one row. Read only when settings.DEMO_MODE is on."""

    offset = models.DurationField(default=timedelta(0))

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="demo_clock_single_row")]
