"""/me/favourites through HTTP: the member's own, good and bad input, the one error
shape, and nobody else's favourites."""

from __future__ import annotations

import pytest

from smartwork.bookings.models import Favourite
from smartwork.core import testing
from smartwork.network.choices import ResourceKind

pytestmark = pytest.mark.django_db


def desk_of(centre):
    return centre.resources.filter(kind=ResourceKind.DESK).order_by("name").first()


def error(response):
    return response.json()["error"]


def test_mark_list_and_unmark(api, member, centre):
    desk = desk_of(centre)
    client = api(member)
    r = client.post("/me/favourites", {"centre_id": centre.pk})
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "centre" and r.json()["centre_slug"] == centre.slug
    assert client.post("/me/favourites", {"centre_id": centre.pk}).status_code == 200
    r = client.post("/me/favourites", {"resource_id": desk.pk})
    assert r.status_code == 201 and r.json()["resource_name"] == desk.name
    listing = client.get("/me/favourites").json()
    assert [(f["kind"], f["centre_id"], f["resource_id"]) for f in listing] == [
        ("centre", centre.pk, None), ("resource", centre.pk, desk.pk)]
    assert client.delete(f"/me/favourites?resource_id={desk.pk}").status_code == 204
    assert client.delete(f"/me/favourites?centre_id={centre.pk}").status_code == 204
    assert client.get("/me/favourites").json() == []


@pytest.mark.parametrize(("body", "status", "code"), [
    ({}, 422, "favourite_target"),
    ({"centre_id": "X", "resource_id": "X"}, 422, "favourite_target"),
    ({"centre_id": 999999}, 404, "unknown_centre"),
    ({"resource_id": 999999}, 404, "unknown_resource"),
    ({"centre_id": "other"}, 404, "unknown_centre"),
    ({"resource_id": "other"}, 404, "unknown_resource"),
    ({"centre_id": "abc"}, 422, "invalid"),
    ({"centre_id": None, "resource_id": None}, 422, "favourite_target"),
])
def test_bad_input_is_a_clear_4xx_in_the_one_shape_and_stores_nothing(api, member, centre,
                                                                     body, status, code):
    other = testing.make_centre()  # another network: the member may not book there
    ids = {"X": centre.pk, "other": other.pk}
    body = {k: ids.get(v, v) if k == "centre_id" else
            (desk_of(other).pk if v == "other" else desk_of(centre).pk if v == "X" else v)
            for k, v in body.items()}
    r = api(member).post("/me/favourites", body)
    assert r.status_code == status, r.content
    assert error(r)["code"] == code and error(r)["message"]
    assert not Favourite.objects.exists()


def test_delete_of_what_is_not_yours_is_404_and_leaves_the_other_members_row(api, member,
                                                                            company, centre):
    colleague = testing.make_user(company=company, network=company.network)
    assert api(colleague).post("/me/favourites", {"centre_id": centre.pk}).status_code == 201
    r = api(member).delete(f"/me/favourites?centre_id={centre.pk}")
    assert r.status_code == 404 and error(r)["code"] == "not_favourite"
    assert api(member).get("/me/favourites").json() == []  # the colleague's is not shown
    assert Favourite.objects.filter(member=colleague).count() == 1
    r = api(member).delete("/me/favourites")
    assert r.status_code == 422 and error(r)["code"] == "favourite_target"
    assert api(member).delete("/me/favourites?centre_id=zz").status_code == 422


def test_anonymous_is_401(api, centre):
    r = api().get("/me/favourites")
    assert r.status_code == 401 and error(r)["code"] == "not_authenticated"
    assert api().post("/me/favourites", {"centre_id": centre.pk}).status_code == 401


def test_openapi_documents_the_routes(api, member):
    schema = api(member).get("/openapi.json").json()
    path = schema["paths"]["/api/v1/me/favourites"]
    assert set(path) >= {"get", "post", "delete"}
    assert "unknown_resource" in path["post"]["description"]


def test_a_bookings_scope_token_keeps_favourites_a_read_token_only_reads(api, member, centre):
    from django.test import Client

    from smartwork.accounts.services import api_token_cache_forget

    api_token_cache_forget()

    def bearer(scope):
        raw = api(member, auth="session").post(
            "/me/tokens", {"name": scope, "scope": scope}).json()["token"]
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    body = f'{{"centre_id": {centre.pk}}}'
    bookings = bearer("bookings")
    assert bookings.post("/api/v1/me/favourites", data=body,
                         content_type="application/json").status_code == 201
    read = bearer("read")
    assert read.get("/api/v1/me/favourites").json()[0]["centre_id"] == centre.pk
    refused = read.delete(f"/api/v1/me/favourites?centre_id={centre.pk}")
    assert refused.status_code == 403 and error(refused)["code"] == "token_scope"
    assert bookings.delete(f"/api/v1/me/favourites?centre_id={centre.pk}").status_code == 204
    api_token_cache_forget()
