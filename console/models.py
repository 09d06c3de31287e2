"""Django loads the `console` app's models from this module; each area defines its own in
`console/<area>/models.py`. Import models from their area, never from here."""

from console.accounts import models as accounts_models  # noqa: F401
from console.billing import models as billing_models  # noqa: F401
from console.core import models as core_models  # noqa: F401
from console.ledger import models as ledger_models  # noqa: F401
from console.packages import models as packages_models  # noqa: F401
from console.purchases import models as purchases_models  # noqa: F401
