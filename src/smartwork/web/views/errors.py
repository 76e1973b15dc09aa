from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A service's refusal (Forbidden, raised again by @page) says why; say it here.
    reason = str(exception) if exception is not None else ""
    return render(request, "web/errors/403.html", {"reason": reason}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    response = render(request, "web/errors/404.html", status=404)
    response.product_page = True  # type: ignore[attr-defined]  # web.middleware keeps it
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/errors/500.html", status=500)
