from django import forms

from console.notifications.selectors import RecipientChoice


class ReminderRecipientsForm(forms.Form):
    """Two checkboxes per member and reminder type: in the message center, and by e-mail."""

    def __init__(self, *args, choices: list[RecipientChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = choices
        for choice in choices:
            for channel in ("in_console", "by_email"):
                name = self.field_name(channel, choice)
                self.fields[name] = forms.BooleanField(required=False, initial=getattr(choice, channel))

    @staticmethod
    def field_name(channel: str, choice: RecipientChoice) -> str:
        return f"{channel}-{choice.kind}-{choice.member.pk}"

    def choices(self) -> dict[tuple[int, str], tuple[bool, bool]]:
        return {
            (choice.member.pk, choice.kind): (
                self.cleaned_data[self.field_name("in_console", choice)],
                self.cleaned_data[self.field_name("by_email", choice)],
            )
            for choice in self.rows
        }

    def table(self) -> list[dict]:
        """For the template: per reminder type, a row per member with its two bound fields."""
        by_kind: dict[str, dict] = {}
        for choice in self.rows:
            group = by_kind.setdefault(choice.kind, {"kind": choice.kind, "rows": []})
            group["rows"].append({
                "member": choice.member,
                "in_console": self[self.field_name("in_console", choice)],
                "by_email": self[self.field_name("by_email", choice)],
            })
        return list(by_kind.values())
