"""Forms of the API keys and the Users and permissions pages."""

import json

from django import forms
from django.utils.translation import gettext_lazy

from console.accounts.models import Policy, PresetPolicy
from console.accounts.services import policy_choice_value

POLICY_EXAMPLE = json.dumps(
    {"version": "2.0", "statement": [{"effect": "allow", "action": ["live:Describe*"], "resource": "*"}]},
    indent=2,
)


class PolicyCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Policy name"), max_length=128)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)
    document = forms.CharField(
        label=gettext_lazy("Policy document (JSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60, "spellcheck": "false", "placeholder": POLICY_EXAMPLE}),
    )


class PolicyAttachForm(forms.Form):
    policy = forms.ChoiceField(label=gettext_lazy("Policy"))

    def __init__(self, *args, custom_policies: list[Policy] = (), **kwargs):
        super().__init__(*args, **kwargs)
        presets = [(policy_choice_value(preset=preset.value), preset.value) for preset in PresetPolicy]
        custom = [(policy_choice_value(policy=policy), policy.name) for policy in custom_policies]
        self.fields["policy"].choices = [(gettext_lazy("Preset policies"), presets)] + (
            [(gettext_lazy("Custom policies"), custom)] if custom else []
        )
