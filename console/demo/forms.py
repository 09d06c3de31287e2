from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy

from console.accounts.models import Account
from console.demo import selectors
from console.demo.personas import PERSONAS
from console.demo.services import DeadlineMoment
from console.demo import tour

CLOCK_STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}


class PersonaForm(forms.Form):
    username = forms.ChoiceField(choices=list(PERSONAS.items()))


class ClockForm(forms.Form):
    # "real" goes back to real time; the others move the clock forward.
    step = forms.ChoiceField(
        choices=[("hour", gettext_lazy("+1 hour")), ("day", gettext_lazy("+1 day")), ("real", gettext_lazy("Back to real time"))]
    )


class DeadlineForm(forms.Form):
    # Its fields are named deadline-package and deadline-moment: the panel sits on every page,
    # and a bare "package" clashed with the ticket form's field of that name.
    prefix = "deadline"

    package = forms.ModelChoiceField(
        queryset=None, error_messages={
            "invalid_choice": gettext_lazy("Choose one of this account's self-service packages whose refund deadline is ahead.")
        },
    )
    moment = forms.ChoiceField(choices=DeadlineMoment.choices)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].queryset = selectors.deadline_choices(account)


class WindowForm(forms.Form):
    state = forms.ChoiceField(choices=[("open", gettext_lazy("Open")), ("close", gettext_lazy("Close"))])


class TourForm(forms.Form):
    stop = forms.ChoiceField(choices=lambda: [(stop.key, stop.title) for stop in tour.TOUR])
