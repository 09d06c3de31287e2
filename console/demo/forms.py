from datetime import timedelta

from django import forms

from console.accounts.models import Account
from console.demo import selectors
from console.demo.personas import PERSONAS
from console.demo.services import DeadlineMoment

CLOCK_STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}


class PersonaForm(forms.Form):
    username = forms.ChoiceField(choices=list(PERSONAS.items()))


class ClockForm(forms.Form):
    # "real" goes back to real time; the others move the clock forward.
    step = forms.ChoiceField(choices=[("hour", "+1 hour"), ("day", "+1 day"), ("real", "Back to real time")])


class DeadlineForm(forms.Form):
    package = forms.ModelChoiceField(
        queryset=None, error_messages={"invalid_choice": "Choose one of this account's self-service packages."}
    )
    moment = forms.ChoiceField(choices=DeadlineMoment.choices)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].queryset = selectors.deadline_choices(account)


class WindowForm(forms.Form):
    state = forms.ChoiceField(choices=[("open", "Open"), ("close", "Close")])
