"""How one usage item is drawn from an account's packages: a pure function of plain values."""

from dataclasses import dataclass
from decimal import Decimal

from console.billing.rates import package_units, usage_for_units


@dataclass
class Slot:
    """A package able to pay for the day, with what is left of it (changed as it is drawn)."""

    package_id: int
    remaining: Decimal


@dataclass(frozen=True)
class Take:
    package_id: int
    usage: Decimal
    amount: Decimal


def allocate(*, quantity: Decimal, ratio: Decimal, slots: list[Slot]) -> tuple[list[Take], Decimal]:
    """Draw `quantity` of usage at `ratio` from `slots`, in their order (soonest expiry first).

    Returns the takes and the package units nothing could cover (charged pay-as-you-go).
    """
    need = package_units(quantity, ratio)
    takes: list[Take] = []
    for slot in slots:
        if need <= 0:
            break
        if slot.remaining <= 0:
            continue
        amount = min(need, slot.remaining)
        # A take that covers the rest records the rest of the usage exactly, so the takes of one
        # item add up to its quantity; a partial take records its share.
        usage = quantity - sum((t.usage for t in takes), Decimal(0)) if amount == need else usage_for_units(amount, ratio)
        takes.append(Take(package_id=slot.package_id, usage=usage, amount=amount))
        slot.remaining -= amount
        need -= amount
    return takes, need
