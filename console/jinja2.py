"""The Jinja2 environment for the one partial drawn by Jinja2: the package table's rows
(templates/jinja2/pages/package_rows.html). Measured: the Django template language took about
ten times as long for the same 100 rows (docs/benchmarks-refunds.md). Autoescaping is on (Django's
Jinja2 backend turns it on); the words come translated from Python, where makemessages finds them."""

from jinja2 import Environment, StrictUndefined


def environment(**options) -> Environment:
    # A misspelt name is an error, not an empty cell.
    options["undefined"] = StrictUndefined
    return Environment(**options)
