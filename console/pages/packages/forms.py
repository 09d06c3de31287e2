from django import forms

from console.packages.status import PackageStatus
from console.pages.packages.query import PAGE_SIZE_CHOICES, PackageQuery, Sort, Tab


class PackageQueryForm(forms.Form):
    """Reads the package table's query string. A bad value is dropped, not an error: links
    and bookmarks outlive the options they were made with, and the page should still open."""

    tab = forms.ChoiceField(choices=Tab.choices, required=False)
    status = forms.ChoiceField(choices=PackageStatus.choices, required=False)
    q = forms.CharField(max_length=32, required=False, strip=True)
    sort = forms.ChoiceField(choices=Sort.choices, required=False)
    page = forms.IntegerField(min_value=1, required=False)
    size = forms.TypedChoiceField(choices=PAGE_SIZE_CHOICES, coerce=int, required=False)

    def query(self) -> PackageQuery:
        self.is_valid()
        given = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return PackageQuery(**given)
