"""A developer's machine: debug on; SQLite and in-process tasks unless the environment
says otherwise."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
