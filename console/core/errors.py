"""The one error vocabulary: every refusal a service can give derives from `ServiceError`.

A refusal carries a stable `code` (for programs and tests), a `message` a customer understands,
and optionally the form `field` it belongs beside. `HTTP_STATUS` below is the one place that
says which HTTP status each kind of refusal answers with; nothing here is ever a 500.

Messages are read in the language active when the refusal is raised (the person's, or the API's
X-TC-Language): the defaults are marked for translation and turned into text at that moment.
"""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """Nothing was changed, and here is why."""

    code = "refused"
    default_message = _("The request was refused.")
    # The heading of the error page that shows the refusal when no form shows it.
    title = _("Not possible")

    def __init__(self, message: str | None = None, *, code: str | None = None, field: str | None = None):
        self.message = str(message or self.default_message)
        self.code = code or self.code
        self.field = field
        super().__init__(self.message)

    @property
    def http_status(self) -> int:
        for kind in type(self).__mro__:
            if kind in HTTP_STATUS:
                return HTTP_STATUS[kind]
        return 400


class InvalidRequest(ServiceError):
    """The request itself is malformed (a bad value, a missing key)."""

    code = "invalid"
    default_message = _("The request is not valid.")
    title = _("Not valid")


class NotFound(ServiceError):
    """The object does not exist or is not the requester's (the same answer, so IDs cannot be probed)."""

    code = "not_found"
    default_message = _("No such object in this account.")
    title = _("Not found")


class PermissionRefused(ServiceError):
    code = "no_permission"
    default_message = _("You do not have permission to do this. Ask the account owner.")
    title = _("Not allowed")


class Conflict(ServiceError):
    """The request cannot be carried out in the object's current state, e.g. the refund window closed."""

    code = "conflict"


class IdempotencyKeyReused(Conflict):
    """The request's key already belongs to a different request (another package or account)."""

    code = "idempotency_key_reused"
    default_message = _("This confirmation was already used for something else. Close the dialog and start again.")


class IdempotencyKeyMismatch(IdempotencyKeyReused):
    """The account used the request's key before for the same kind of request with other
    parameters (a purchase of another spec, or at another price): not a replay, so not answered
    with the first result."""

    code = "idempotency_key_mismatch"
    default_message = _(
        "This confirmation was already used for a purchase of another package or price. Close the dialog and start again."
    )


class RateLimited(ServiceError):
    code = "rate_limited"
    default_message = _("Too many requests. Wait a minute, then try again.")
    title = _("Too many requests")


HTTP_STATUS: dict[type[ServiceError], int] = {
    InvalidRequest: 422,
    PermissionRefused: 403,
    NotFound: 404,
    Conflict: 409,
    RateLimited: 429,
    ServiceError: 409,
}
