from datetime import timedelta

from django.db import models


class DemoClock(models.Model):
    """The presenter's shift of the clock, one row. Read only when settings.DEMO_MODE is on."""

    offset = models.DurationField(default=timedelta(0))

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="demo_clock_single_row")]
