"""{% stylesheet "area/file.css" %}: the page carries the stylesheet in a <style> element
(console.core.inline_styles says why and how the Content-Security-Policy allows it)."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from console.core.inline_styles import inline_stylesheet, page_style_allow

register = template.Library()


@register.simple_tag(takes_context=True)
def stylesheet(context, path: str) -> str:
    request = context.get("request")
    if request is None or getattr(request, "htmx", False):
        # Drawn without a request, or as a fragment htmx swaps into a page: the policy in force is
        # the page's, which names no hash for this file, so the file is linked ('self' allows it).
        return format_html('<link rel="stylesheet" href="{}">', static(path))
    sheet = inline_stylesheet(path)
    if not page_style_allow(request, sheet):
        return ""
    # Raw, not escaped: a <style> element's text is never decoded, so &gt; would reach the CSS
    # parser as it is (and change the hash). The file is ours and holds no "</style".
    return mark_safe(f"<style>{sheet.text}</style>")
