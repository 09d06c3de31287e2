"""The Celery application: all background work (billing shards, mail, reminders) runs here.

Workers and beat start from the project root:

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 uv run celery -A console worker
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 uv run celery -A console beat -s var/celerybeat-schedule

Configuration lives in console/settings.py (the CELERY_* block). Without CELERY_BROKER_URL every
task runs in-process when it is enqueued, so nothing has to be installed or started.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

app = Celery("console")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's tasks.py, found from INSTALLED_APPS; the console app's areas each keep
# theirs in console/<area>/tasks.py, which console/tasks.py imports.
app.autodiscover_tasks()
