"""Pages that compose several areas: the layer above `refunds` and `tickets` (pyproject.toml's
import contracts). A page reads a request, asks the areas' selectors, and draws their answers
with a template; the areas below know nothing of it."""
