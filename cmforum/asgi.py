import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmforum.settings")
application = get_asgi_application()

from cmforum.security import refuse_weak_secret_key  # noqa: E402 (needs the settings)

refuse_weak_secret_key()
