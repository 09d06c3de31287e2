"""Waiting on htmx from browser tests."""

def htmx_settled(page) -> None:
    """Wait until htmx has no request in flight and has settled its last swap, so the elements it
    brought in are wired up before the test uses them."""
    page.wait_for_function(
        "() => window.htmx && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )
