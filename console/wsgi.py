import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
application = get_wsgi_application()

# What a worker loads at start (Django, the URLconf, templates, translations) lives as long as
# the worker. Frozen, the collector never walks it again, so a full collection during a request
# costs what that request allocated, not the whole program (pauses of 50 to 130 ms otherwise,
# measured by tests/benchmarks/test_bench_package_page.py).
gc.collect()
gc.freeze()
