"""WSGI application for production: gunicorn/uwsgi load hopu_cli.wsgi:app.

TRYTOND_CONFIG names the configuration (hopu writes a completed one with
`hopu config`); TRYTOND_DATABASE_NAMES lists databases loaded at start."""
from trytond.application import app  # noqa: E402,I001

from .server import patch_error_answers, patch_lazy_database_loading

patch_lazy_database_loading()
patch_error_answers()

__all__ = ['app']
