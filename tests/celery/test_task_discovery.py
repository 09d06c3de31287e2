"""Celery finds every task without a list: a worker started as the README says registers every
task of every tasks.py in the project."""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("console", "refunds", "tickets")

# What `celery -A console worker` does before it takes work: load the app, then the modules
# Celery's loader imports at start-up (autodiscovery among them). A fresh interpreter, so nothing
# this test process already imported can stand in for the discovery.
WORKER_START = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
from console.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted(app.tasks)))
"""


def _shared_tasks(path: Path) -> set[str]:
    """The names `@shared_task` gives the functions of one tasks.py, read from its source."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Name) and target.id == "shared_task":
                    names.add(f"{module}.{node.name}")
    return names


def test_a_worker_registers_every_task_of_every_tasks_module():
    expected = set()
    for source in SOURCES:
        for path in (ROOT / source).rglob("tasks.py"):
            expected |= _shared_tasks(path)
    started = subprocess.run(
        [sys.executable, "-c", WORKER_START], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )

    registered = set(json.loads(started.stdout.strip().splitlines()[-1]))

    assert expected and expected <= registered, sorted(expected - registered)
