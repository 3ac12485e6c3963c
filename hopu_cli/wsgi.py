"""WSGI application for production: gunicorn/uwsgi load hopu_cli.wsgi:app.

TRYTOND_CONFIG names the configuration (hopu writes a completed one with
`hopu config`); TRYTOND_DATABASE_NAMES lists databases loaded at start.
The patches of trytond needed before a database is loaded are applied at
start, the others when a Hopu database is loaded (see
addons/hopu_sysadmin/trytond_patches.py)."""
from trytond.application import app  # noqa: E402,I001

from .server import apply_process_patches

apply_process_patches()

__all__ = ['app']
