import re
import uuid

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from console.accounts.models import Member
from tickets import selectors, uploads
from tickets.catalogue import PRODUCT_BY_CODE
from tickets.models import ContactTime
from tickets.services import CheckedUpload

COUNTRY_CODES = [
    ("+86", "+86 Chinese mainland"),
    ("+852", "+852 Hong Kong (China)"),
    ("+853", "+853 Macao (China)"),
    ("+886", "+886 Taiwan (China)"),
    ("+1", "+1 United States / Canada"),
    ("+44", "+44 United Kingdom"),
    ("+49", "+49 Germany"),
    ("+65", "+65 Singapore"),
    ("+81", "+81 Japan"),
    ("+82", "+82 Korea"),
    ("+91", "+91 India"),
    ("+62", "+62 Indonesia"),
    ("+66", "+66 Thailand"),
    ("+55", "+55 Brazil"),
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
    title = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    package = forms.ModelChoiceField(
        queryset=None, to_field_name="code", required=False, label="Related package",
        empty_label="None", error_messages={"invalid_choice": "Choose one of your account's packages."},
    )
    contact_email = forms.EmailField(label="Contact e-mail")
    phone_country = forms.ChoiceField(choices=COUNTRY_CODES, label="Country code")
    phone = forms.CharField(label="Phone number", max_length=20)
    contact_time = forms.ChoiceField(choices=ContactTime.choices, label="Preferred contact time")
    attachments = MultipleFileField(
        required=False,
        help_text=(
            f"Images (PNG, JPEG, GIF, WebP) or PDF, up to {settings.TICKET_ATTACHMENT_MAX_COUNT} files of "
            f"{filesizeformat(settings.TICKET_ATTACHMENT_MAX_BYTES)} each."
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
            raise forms.ValidationError("Choose a product from the list.")
        return code

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_NUMBER.match(phone):
            raise forms.ValidationError("Enter the phone number in digits, without the country code.")
        return phone

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) > settings.TICKET_ATTACHMENT_MAX_COUNT:
            raise forms.ValidationError(f"Attach at most {settings.TICKET_ATTACHMENT_MAX_COUNT} files.")
        checked = []
        for file in files:
            if file.size > settings.TICKET_ATTACHMENT_MAX_BYTES:
                raise forms.ValidationError(
                    f"{file.name} is {filesizeformat(file.size)}; each file may be at most "
                    f"{filesizeformat(settings.TICKET_ATTACHMENT_MAX_BYTES)}."
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
            self.add_error("issue_type", f"Choose one of the issue types of {product.name}.")
        return cleaned

    @property
    def contact_phone(self) -> str:
        return f"{self.cleaned_data['phone_country']} {self.cleaned_data['phone']}"


class ReplyForm(forms.Form):
    body = forms.CharField(label="Reply", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class ApproveForm(forms.Form):
    note = forms.CharField(
        label="Overrule note", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only to overrule a suspicion of refund abuse: say why. Other reasons cannot be overruled.",
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label="Reason the customer will read", widget=forms.Textarea(attrs={"rows": 3}))


class StaffReplyForm(forms.Form):
    body = forms.CharField(label="Reply to the customer", widget=forms.Textarea(attrs={"rows": 3}))
