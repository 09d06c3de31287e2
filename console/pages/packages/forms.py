from django import forms

from console.core.listing import DateRangeForm
from console.packages.status import PackageStatus
from console.pages.packages.query import PAGE_SIZE_CHOICES, PackageQuery, Sort, Tab


class PackageQueryForm(DateRangeForm):
    """Reads the package table's query string. A bad value is dropped: links and bookmarks
    outlive the options they were made with, and the page should still open. A bad purchase date
    (typed by a person, From and To of every list: console.core.listing) is also said beside its
    field."""

    error_prefix = "packages"

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
