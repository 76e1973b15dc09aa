"""Works offline as shipped: the API docs load Swagger UI from the package's own files,
the demo answers with the product's 404 and 500 pages, and the demo's mails link to the
address it serves on."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings

from smartwork.core.management.commands.demo import demo_base_url
from smartwork.web.middleware import ProductErrorPagesMiddleware

pytestmark = pytest.mark.django_db


def test_the_api_docs_use_the_shipped_swagger_ui(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page and "unpkg" not in page and "https://" not in page.split(
        "<body")[0]
    asset = client.get("/static/ninja/swagger-ui-bundle.js")
    assert asset.status_code == 200


@override_settings(DEBUG=True, DEMO=True)
def test_the_demo_shows_the_products_404_page(client):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "DEBUG = True" not in body
    api = Client().get("/api/v1/no-such-route")
    assert api.status_code == 404 and 'class="site-foot"' not in api.content.decode()


@override_settings(DEBUG=True, DEMO=True)
def test_the_demo_shows_the_products_500_page(member):
    request = RequestFactory().get("/centres/")
    request.user = member
    middleware = ProductErrorPagesMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(request, RuntimeError("boom"))
    assert response is not None and response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@override_settings(DEBUG=True, DEMO=False)
def test_outside_the_demo_debug_keeps_djangos_pages(client):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and "DEBUG = True" in response.content.decode()


def test_the_demo_mails_link_to_the_address_it_serves_on():
    assert demo_base_url("127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert demo_base_url("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert demo_base_url("::1", 9000) == "http://[::1]:9000"
