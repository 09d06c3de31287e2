from tests.celery.cluster import cluster  # noqa: F401  (the fixture)
