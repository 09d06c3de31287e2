"""The console app's tasks, for Celery's discovery.

`app.autodiscover_tasks()` (console/celery.py) imports `<app>.tasks` for every installed app. The
`console` app holds several areas, each keeping its tasks in its own `console/<area>/tasks.py`;
this module imports every one of them it finds, so a new area's tasks are discovered without
being listed anywhere.
"""

import importlib
import importlib.util
import pkgutil

import console

for _area in pkgutil.iter_modules(console.__path__, prefix="console."):
    if _area.ispkg and importlib.util.find_spec(f"{_area.name}.tasks") is not None:
        importlib.import_module(f"{_area.name}.tasks")
