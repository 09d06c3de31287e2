"""The presenter panel: demo-only actions (persona, clock, billing, reset) for walking the policy.

Every route 404s and every service raises unless settings.DEMO_MODE is on.
"""
