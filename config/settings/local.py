"""A developer's machine: debug on; SQLite and in-process tasks unless the environment
says otherwise."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)

# Static files come straight from the app folders; collectstatic is for production.
if not STATIC_ROOT.exists():  # noqa: F405
    STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
