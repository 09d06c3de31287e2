from console.core import clock


class ClockMiddleware:
    """Pins the demo clock's offset for the length of one request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = clock.pin_request_offset()
        try:
            return self.get_response(request)
        finally:
            clock.unpin(token)
