"""The demo shows the product's own error pages.

The demo runs with DEBUG on (static files without collectstatic, a throw-away secret),
and with DEBUG Django answers a missing page or a server error with its technical pages.
In the demo (`SMARTWORK_DEMO=1`) this middleware answers with the product's 404 and 500
pages instead, as a production server would; the API keeps its JSON errors. Outside the
demo it does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from smartwork.web.views import errors

logger = logging.getLogger("smartwork.web")


def _applies(request: HttpRequest) -> bool:
    return bool(settings.DEBUG and getattr(settings, "DEMO", False)
                and not request.path.startswith(("/api/", "/static/", "/media/")))


class ProductErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code == 404 and _applies(request)
                and not getattr(response, "product_page", False)
                and "text/html" in response.get("Content-Type", "")):
            return errors.not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _applies(request) or isinstance(exception, PermissionDenied):
            return None
        if isinstance(exception, Http404):
            return errors.not_found(request, exception)
        logger.error("Server error on %s", request.path, exc_info=exception)
        return errors.server_error(request)
