"""The demo's logins (password = user name) and who each one is: the one list the seed, the
presenter panel and the login page read."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Persona:
    username: str
    role: str  # a few words, for the panel's buttons
    who: str


PERSONA_LIST = [
    Persona("demo", _("owner"), _("Owner of Aurora Live Media: refunds, buys, submits tickets")),
    Persona("viewer", _("no refund permission"), _("Sub-user of Aurora Live Media without the refund permission")),
    Persona("suspended", _("violations"), _("Owner of Nebula Esports, suspended for violating the rules")),
    Persona(
        "overdue", _("overdue payment"),
        _("Owner of Harbor Education, suspended for overdue payment: billed into arrears, not paid within 24 hours (refunds still allowed)"),
    ),
    Persona(
        "arrears", _("in arrears"),
        _("Owner of Lumen Language School, in arrears: a bill it could not pay, 24 hours to top up"),
    ),
    Persona(
        "pinewood", _("billed by bandwidth"),
        _("Owner of Pinewood Radio: switched to daily peak bandwidth yesterday, so its traffic packages are frozen"),
    ),
    Persona(
        "cedar", _("mode change pending"),
        _("Owner of Cedar Sports Live: asked today for daily peak bandwidth, in force from tomorrow"),
    ),
    Persona("admin", _("staff"), _("Staff superuser: reviews tickets in the admin")),
]
PERSONAS: dict[str, str] = {persona.username: persona.who for persona in PERSONA_LIST}
