# The Celery app is loaded with Django, so tasks bind to it and `celery -A console` finds it.
from console.celery import app as celery_app

__all__ = ("celery_app",)
