import os

from django.core.wsgi import get_wsgi_application

# As in caseaudit.cli: every file the web app writes (the SQLite database, uploads) is its own user's only.
os.umask(0o077)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings")
application = get_wsgi_application()
