"""The guided tour for the presenter panel (console.demo.tour): its stops, and the one set up last."""

from django import template

from console.demo import tour

register = template.Library()


@register.simple_tag(takes_context=True)
def demo_tour(context) -> dict:
    """{"stops": [(number, stop), ...], "current": (number, stop, next stop or None) or None}."""
    request = context.get("request")
    key = request.session.get(tour.SESSION_KEY) if request is not None and hasattr(request, "session") else None
    return {"stops": list(enumerate(tour.TOUR, start=1)), "count": len(tour.TOUR), "current": tour.tour_position(key)}
