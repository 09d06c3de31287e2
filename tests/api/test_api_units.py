"""DescribeLivePackageInfo's Total is rounded down and Used up, in the API's units: bytes of
decimal gigabytes for traffic, minutes for transcoding, hours for co-anchoring (kept in minutes)."""

from decimal import Decimal

from console.api.live import quantities_in_api_units


def test_traffic_is_answered_in_bytes_with_a_used_fraction_of_a_byte_rounded_up():
    assert quantities_in_api_units("traffic", Decimal("1000"), Decimal("0.0000000015")) == (1000 * 1000**3, 2)


def test_transcoding_is_answered_in_minutes_with_total_rounded_down_and_used_up():
    assert quantities_in_api_units("transcode_tsc", Decimal("100.5"), Decimal("0.2")) == (100, 1)


def test_co_anchoring_minutes_are_answered_in_hours_total_down_and_used_up():
    assert quantities_in_api_units("co_anchoring", Decimal("90"), Decimal("61")) == (1, 2)


def test_whole_units_stay_as_they_are():
    assert quantities_in_api_units("co_anchoring", Decimal("60000"), Decimal("120")) == (1000, 2)
