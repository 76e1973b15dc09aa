import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")

import django

django.setup(set_prefix=False)

from smartwork.core.wsgi import Application  # noqa: E402

# The site's handler and the API's lean one for Bearer-token requests (core/wsgi.py).
application = Application()
