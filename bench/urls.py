"""The site's URLs plus one trivial view: the load test's reference (issue 13), served by
the same gunicorn and middleware as the pages. Bench-only."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from cmforum.urls import urlpatterns as site_urlpatterns


@never_cache  # a reference for the work a request costs, so never served from a cache
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench__/trivial/", trivial), *site_urlpatterns]
