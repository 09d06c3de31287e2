"""Where API requests leave the console's request path."""

from django.http import HttpRequest, HttpResponse

from console.api.views import api, is_api_request


class ApiMiddleware:
    """Answers an API request (`console.api.views.is_api_request`) with `api`, after the
    middleware every response passes (settings.MIDDLEWARE above this one: SecurityMiddleware's
    headers, the request guard, the Content-Security-Policy, X-Frame-Options, the demo clock
    pinned) and before the console's own (below it: the session, the language, CSRF, the signed-in
    user, messages, htmx, no-store for a signed-in person, login lockouts, admin selections,
    refusals as pages). None of those apply to a request signed with a key: it carries no cookie,
    names its language in X-TC-Language, is authenticated by its signature (so exempt from CSRF)
    and answers every error in its own envelope. Passing through them cost a 100-package
    DescribeLivePackageInfo about 0.7 ms of 5.7 (docs/benchmarks.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_request(request):
            return api(request)
        return self.get_response(request)
