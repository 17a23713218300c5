"""The Celery application.

Without CELERY_BROKER_URL (the local default) tasks run in-process (see settings), so the app
works with no broker at all; production points it at Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("poa_reports")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
