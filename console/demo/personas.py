"""The demo's logins (password = user name) and who each one is: the one list the seed, the
presenter panel and the login page read."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    username: str
    role: str  # a few words, for the panel's buttons
    who: str


PERSONA_LIST = [
    Persona("demo", "owner", "Owner of Aurora Live Media: refunds, buys, submits tickets"),
    Persona("viewer", "no refund permission", "Sub-user of Aurora Live Media without the refund permission"),
    Persona("suspended", "violations", "Owner of Nebula Esports, suspended for violating the rules"),
    Persona("overdue", "overdue payment", "Owner of Harbor Education, suspended for overdue payment (refunds still allowed)"),
    Persona("admin", "staff", "Staff superuser: reviews tickets in the admin"),
]
PERSONAS: dict[str, str] = {persona.username: persona.who for persona in PERSONA_LIST}
