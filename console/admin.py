"""Django's admin loads the `console` app's admin from this module; each area registers its
own models in `console/<area>/admin.py`."""

from console.accounts import admin as accounts_admin  # noqa: F401
from console.billing import admin as billing_admin  # noqa: F401
from console.core import admin as core_admin  # noqa: F401
from console.ledger import admin as ledger_admin  # noqa: F401
from console.packages import admin as packages_admin  # noqa: F401
