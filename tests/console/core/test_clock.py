from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from console.core import clock
from console.core.models import DemoClock


def shift_to(moment: datetime) -> None:
    clock.set_offset(moment - timezone.now())


@pytest.mark.django_db
def test_outside_demo_mode_a_stored_offset_is_ignored(settings):
    settings.DEMO_MODE = False
    DemoClock.objects.create(pk=1, offset=timedelta(days=3))

    assert clock.offset() == timedelta(0)


@pytest.mark.django_db
def test_outside_demo_mode_now_is_the_real_time(settings):
    settings.DEMO_MODE = False
    DemoClock.objects.create(pk=1, offset=timedelta(days=3))

    before = timezone.now()
    now = clock.now()

    assert before <= now <= timezone.now()


@pytest.mark.django_db
def test_outside_demo_mode_setting_the_offset_raises_and_stores_nothing(settings):
    settings.DEMO_MODE = False

    with pytest.raises(PermissionError):
        clock.set_offset(timedelta(hours=1))

    assert not DemoClock.objects.exists()


def test_in_demo_mode_set_offset_stores_the_offset(demo_mode):
    clock.set_offset(timedelta(days=2))

    assert DemoClock.objects.get(pk=1).offset == timedelta(days=2)


def test_in_demo_mode_now_runs_ahead_by_the_offset(demo_mode):
    clock.set_offset(timedelta(days=2))

    before = timezone.now()
    now = clock.now()

    assert before + timedelta(days=2) <= now <= timezone.now() + timedelta(days=2)


def test_a_pinned_request_keeps_its_offset_while_the_stored_one_changes(demo_mode):
    clock.set_offset(timedelta(hours=5))
    token = clock.pin_request_offset()
    DemoClock.objects.filter(pk=1).update(offset=timedelta(hours=9))

    pinned = clock.offset()
    clock.unpin(token)

    assert pinned == timedelta(hours=5)


def test_today_is_the_billing_zone_date_not_the_utc_date(demo_mode):
    demo_mode.BILLING_TIME_ZONE = "Asia/Shanghai"
    # 16:30 UTC on Jan 1 is already 00:30 on Jan 2 in Beijing.
    shift_to(datetime(2026, 1, 1, 16, 30, tzinfo=dt_timezone.utc))

    assert clock.today() == date(2026, 1, 2)


def test_billing_zone_follows_the_setting(settings):
    settings.BILLING_TIME_ZONE = "America/New_York"

    assert clock.billing_zone() == ZoneInfo("America/New_York")
