"""The console's login page: one door for customers and staff.

Customers go to the page they asked for (or Package/Plugin Management); staff without a cloud
account have no console pages, so they go to the admin instead of a bare 403.
"""

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from console.accounts.permissions import staff_navigation
from console.accounts.selectors import member_or_none


def home(request: HttpRequest) -> HttpResponse:
    """The console's root: Package/Plugin Management for customers; staff without a cloud account
    have no console page, so the review desk if they may review, else the admin, not a 403."""
    user = request.user
    staff = staff_navigation(user)
    if staff is not None and member_or_none(user) is None:
        return redirect("admin:tickets_ticket_changelist" if staff.review else "admin:index")
    return redirect("packages")


class ConsoleLoginView(LoginView):
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        user = self.request.user
        admin_home = reverse("admin:index")
        if user.is_staff and member_or_none(user) is None and not url.startswith(admin_home):
            return admin_home
        return url
