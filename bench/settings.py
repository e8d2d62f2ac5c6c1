"""Settings for the benchmark only: the site's settings plus a bench-only URLconf that adds
the trivial reference view. Never used by the public site."""

from cmforum.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
