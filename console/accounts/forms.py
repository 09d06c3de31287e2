"""Forms of the API keys and the Users and permissions pages."""

import json

from django import forms
from django.utils.translation import gettext_lazy

from console.accounts.models import Policy, PolicyAttachment, PresetPolicy
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
    """The policies that can still be attached to one sub-user: those not attached to them yet."""

    policy = forms.ChoiceField(label=gettext_lazy("Policy"))

    def __init__(self, *args, custom_policies: list[Policy] = (), attachments: list[PolicyAttachment] = (), **kwargs):
        super().__init__(*args, **kwargs)
        attached = {
            policy_choice_value(preset=attachment.preset, policy=attachment.policy) for attachment in attachments
        }
        presets = [
            (value, preset.value) for preset in PresetPolicy
            if (value := policy_choice_value(preset=preset.value)) not in attached
        ]
        custom = [
            (value, policy.name) for policy in custom_policies
            if (value := policy_choice_value(policy=policy)) not in attached
        ]
        self.fields["policy"].choices = ([(gettext_lazy("Preset policies"), presets)] if presets else []) + (
            [(gettext_lazy("Custom policies"), custom)] if custom else []
        )

    @property
    def nothing_left(self) -> bool:
        """Every policy is attached already: there is nothing to offer."""
        return not self.fields["policy"].choices
