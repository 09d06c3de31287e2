import re
import uuid

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from console.accounts.models import Member
from console.core.listing import ListFilterForm
from tickets import selectors, uploads
from tickets.catalogue import PRODUCT_BY_CODE
from tickets.models import ContactTime
from tickets.service_levels import PRIORITY_MEANING, Priority
from tickets.transitions import Status
from tickets.services import CheckedUpload

COUNTRY_CODES = [
    ("+86", format_lazy("+86 {}", gettext_lazy("Chinese mainland"))),
    ("+852", format_lazy("+852 {}", gettext_lazy("Hong Kong (China)"))),
    ("+853", format_lazy("+853 {}", gettext_lazy("Macao (China)"))),
    ("+886", format_lazy("+886 {}", gettext_lazy("Taiwan (China)"))),
    ("+1", format_lazy("+1 {}", gettext_lazy("United States / Canada"))),
    ("+44", format_lazy("+44 {}", gettext_lazy("United Kingdom"))),
    ("+49", format_lazy("+49 {}", gettext_lazy("Germany"))),
    ("+65", format_lazy("+65 {}", gettext_lazy("Singapore"))),
    ("+81", format_lazy("+81 {}", gettext_lazy("Japan"))),
    ("+82", format_lazy("+82 {}", gettext_lazy("Korea"))),
    ("+91", format_lazy("+91 {}", gettext_lazy("India"))),
    ("+62", format_lazy("+62 {}", gettext_lazy("Indonesia"))),
    ("+66", format_lazy("+66 {}", gettext_lazy("Thailand"))),
    ("+55", format_lazy("+55 {}", gettext_lazy("Brazil"))),
]
PHONE_NUMBER = re.compile(r"^[0-9][0-9 -]{4,18}[0-9]$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern from Django's file-upload docs)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [single_file_clean(file, initial) for file in files]


class TicketForm(forms.Form):
    product = forms.CharField(widget=forms.HiddenInput)
    issue_type = forms.CharField(widget=forms.HiddenInput)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    package = forms.ModelChoiceField(
        queryset=None, to_field_name="code", required=False, label=gettext_lazy("Related package"),
        empty_label=gettext_lazy("None"), error_messages={"invalid_choice": gettext_lazy("Choose one of your account's packages.")},
    )
    contact_email = forms.EmailField(label=gettext_lazy("Contact e-mail"))
    phone_country = forms.ChoiceField(choices=COUNTRY_CODES, label=gettext_lazy("Country code"))
    phone = forms.CharField(label=gettext_lazy("Phone number"), max_length=20)
    contact_time = forms.ChoiceField(choices=ContactTime.choices, label=gettext_lazy("Preferred contact time"))
    # Normal unless the customer says otherwise (a form posted without it, by a script, is Normal too).
    priority = forms.ChoiceField(
        label=gettext_lazy("Urgency"), choices=Priority.choices, initial=Priority.NORMAL, widget=forms.RadioSelect,
        required=False, error_messages={"invalid_choice": gettext_lazy("Choose an urgency from the list.")},
    )
    attachments = MultipleFileField(
        required=False,
        label=gettext_lazy("Attachments"),
        help_text=format_lazy(
            gettext_lazy("Images (PNG, JPEG, GIF, WebP) or PDF, up to {count} files of {size} each."),
            count=settings.TICKET_ATTACHMENT_MAX_COUNT,
            size=filesizeformat(settings.TICKET_ATTACHMENT_MAX_BYTES),
        ),
    )

    def __init__(self, *args, member: Member, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        kwargs["initial"].setdefault("contact_email", member.user.email)
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["package"].queryset = selectors.packages_for_ticket(member)
        self.fields["package"].label_from_instance = lambda p: f"{p.code} - {p.spec}"

    def clean_product(self):
        code = self.cleaned_data["product"]
        if code not in PRODUCT_BY_CODE:
            raise forms.ValidationError(_("Choose a product from the list."))
        return code

    def clean_priority(self):
        return self.cleaned_data["priority"] or Priority.NORMAL

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_NUMBER.match(phone):
            raise forms.ValidationError(_("Enter the phone number in digits, without the country code."))
        return phone

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) > settings.TICKET_ATTACHMENT_MAX_COUNT:
            raise forms.ValidationError(_("Attach at most %(count)s files.") % {"count": settings.TICKET_ATTACHMENT_MAX_COUNT})
        checked = []
        for file in files:
            if file.size > settings.TICKET_ATTACHMENT_MAX_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is %(size)s; each file may be at most %(limit)s.")
                    % {
                        "name": file.name, "size": filesizeformat(file.size),
                        "limit": filesizeformat(settings.TICKET_ATTACHMENT_MAX_BYTES),
                    }
                )
            try:
                content_type = uploads.content_type_of(file.read())
            except uploads.NotAccepted as error:
                raise forms.ValidationError(f"{file.name}: {error}") from None
            file.seek(0)
            checked.append(CheckedUpload(file=file, content_type=content_type))
        return checked

    def clean(self):
        cleaned = super().clean()
        product = PRODUCT_BY_CODE.get(cleaned.get("product"))
        if product is not None and product.issue_type(cleaned.get("issue_type", "")) is None:
            self.add_error("issue_type", _("Choose one of the issue types of %(product)s.") % {"product": product.name})
        return cleaned

    def priority_options(self) -> list:
        """Each urgency's radio button with what it means in plain words, for the form to draw."""
        return [(radio, PRIORITY_MEANING[Priority(radio.data["value"])]) for radio in self["priority"]]

    @property
    def contact_phone(self) -> str:
        return f"{self.cleaned_data['phone_country']} {self.cleaned_data['phone']}"


class ReplyForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Overrule note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Only to overrule a suspicion of refund abuse: say why. Other reasons cannot be overruled."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason the customer will read"), widget=forms.Textarea(attrs={"rows": 3}))


class StaffReplyForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Reply to the customer"), widget=forms.Textarea(attrs={"rows": 5}))


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(
        label=gettext_lazy("Urgency"), choices=Priority.choices,
        error_messages={"invalid_choice": gettext_lazy("Choose an urgency from the list.")},
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with how this ticket was handled?"),
        choices=[(5, gettext_lazy("5 - Very satisfied")), (4, gettext_lazy("4 - Satisfied")), (3, gettext_lazy("3 - Neutral")),
                 (2, gettext_lazy("2 - Dissatisfied")), (1, gettext_lazy("1 - Very dissatisfied"))],
        coerce=int, widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a rating from 1 to 5."),
                        "invalid_choice": gettext_lazy("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MyTicketsFilterForm(ListFilterForm):
    """My tickets' filter: a status and a search by title or ticket ID (every list's mechanism:
    console.core.listing)."""

    error_prefix = "tickets"

    status = forms.ChoiceField(
        required=False, label=gettext_lazy("Status"), choices=[("", gettext_lazy("All statuses")), *Status.choices],
        error_messages={"invalid_choice": gettext_lazy("Choose a status from the list.")},
    )
    q = forms.CharField(
        required=False, max_length=100, strip=True, label=gettext_lazy("Title or ticket ID"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
