"""Billing: buying packages, recording usage, and the daily run that deducts it."""
