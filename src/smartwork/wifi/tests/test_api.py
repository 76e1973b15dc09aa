from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from smartwork.accounts.choices import Role
from smartwork.core import testing
from smartwork.core.tests.errors import assert_error
from smartwork.wifi.choices import AuthReason
from smartwork.wifi.models import AuthAttempt, Nas, PresenceSession, WifiIdentity
from smartwork.wifi.services import radius_token_create

pytestmark = pytest.mark.django_db


class TestMyLogin:
    def test_create_show_and_rotate(self, api, member):
        client = api(member)
        assert_error(client.get("/wifi/me"), 404, code="no_wifi_login")
        created = client.post("/wifi/me/password")
        assert created.status_code == 200, created.content
        username, password = created.json()["username"], created.json()["password"]
        me = client.get("/wifi/me").json()
        assert me["username"] == username and me["is_active"] is True
        assert "password" not in me and "password_hash" not in me
        rotated = client.post("/wifi/me/password").json()
        assert rotated["username"] == username and rotated["password"] != password

    def test_anonymous_is_refused(self, api):
        assert_error(api().get("/wifi/me"), 401)
        assert_error(api().post("/wifi/me/password"), 401)


class TestAccessPoints:
    def test_operator_registers_lists_and_rotates(self, api, wifi_operator, wifi_centre):
        client = api(wifi_operator)
        r = client.post("/wifi/access-points", {"centre_id": wifi_centre.pk, "name": "Lobby",
                                                "address": "10.4.0.0/28"})
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["address"] == "10.4.0.0/28" and len(body["secret"]) >= 16
        listed = client.get("/wifi/access-points").json()
        assert listed["count"] == 1 and "secret" not in listed["items"][0]
        r = client.post(f"/wifi/access-points/{body['id']}/secret",
                        {"secret": "my-own-secret-123456"})
        assert r.json()["secret"] == "my-own-secret-123456"
        r = client.patch(f"/wifi/access-points/{body['id']}", {"is_active": False})
        assert r.json()["is_active"] is False

    def test_bad_input_is_a_clear_4xx_and_nothing_is_stored(self, api, wifi_operator,
                                                             wifi_centre):
        client = api(wifi_operator)
        assert_error(client.post("/wifi/access-points", {
            "centre_id": wifi_centre.pk, "name": "X", "address": "300.1.1.1"}), 422,
            field="address")
        assert_error(client.post("/wifi/access-points", {
            "centre_id": 999999, "name": "X", "address": "10.0.0.1"}), 422, field="centre_id")
        assert_error(client.post("/wifi/access-points", {
            "centre_id": wifi_centre.pk, "name": "X", "address": "10.0.0.1", "secret": "x"}),
            422, field="secret")
        client.post("/wifi/access-points", {"centre_id": wifi_centre.pk, "name": "A",
                                            "address": "10.0.0.0/24"})
        assert_error(client.post("/wifi/access-points", {
            "centre_id": wifi_centre.pk, "name": "B", "address": "10.0.0.5"}), 409,
            field="address")
        assert Nas.objects.count() == 1

    def test_members_and_other_operators_are_refused(self, api, member, wifi_centre):
        body = {"centre_id": wifi_centre.pk, "name": "X", "address": "10.0.0.1"}
        assert_error(api(member).post("/wifi/access-points", body), 403)
        other_operator = testing.make_operator(testing.make_network())
        assert_error(api(other_operator).post("/wifi/access-points", body), 403)
        assert_error(api(member).get("/wifi/access-points"), 403)


class TestOperatorViews:
    @pytest.fixture
    def data(self, nas, login, wifi_centre):
        from smartwork.wifi.choices import AcctStatus
        from smartwork.wifi.services import AccountingRecord, radius_accounting

        radius_accounting(nas=nas, record=AccountingRecord(
            status=AcctStatus.START, username=login.username, acct_session_id="s1"))
        AuthAttempt.objects.create(created_at=dt.datetime.now(dt.UTC), username=login.username,
                                   member=login.member, nas=nas, centre=wifi_centre,
                                   result="reject", reason=AuthReason.BAD_PASSWORD, via="radius")
        return login

    def test_operator_sees_presence_and_log(self, api, data, wifi_operator, wifi_centre):
        client = api(wifi_operator)
        sessions = client.get("/wifi/sessions", {"open": True}).json()
        assert sessions["count"] == 1
        item = sessions["items"][0]
        assert item["member_id"] == data.member.pk and item["centre_name"] == wifi_centre.name
        assert client.get("/wifi/sessions", {"open": False}).json()["count"] == 0
        log = client.get("/wifi/auth-attempts", {"reason": "bad_password"}).json()
        assert log["count"] == 1 and log["items"][0]["username"] == data.username

    def test_receptionist_sees_their_centre_only(self, api, data, wifi_centre):
        own = testing.make_centre_staff(wifi_centre, role=Role.RECEPTIONIST)
        elsewhere = testing.make_centre_staff(testing.make_centre(network=wifi_centre.network))
        assert api(own).get("/wifi/sessions").json()["count"] == 1
        assert api(elsewhere).get("/wifi/sessions").json()["count"] == 0
        assert api(elsewhere).get("/wifi/auth-attempts").json()["count"] == 0

    def test_members_are_refused(self, api, data):
        assert_error(api(data.member).get("/wifi/sessions"), 403)
        assert_error(api(data.member).get("/wifi/auth-attempts"), 403)

    def test_operator_disables_a_login(self, api, data, wifi_operator, outsider):
        client = api(wifi_operator)
        r = client.patch(f"/wifi/identities/{data.identity.pk}", {"is_active": False})
        assert r.status_code == 200 and r.json()["is_active"] is False
        other = testing.make_operator(outsider.network)
        assert_error(api(other).patch(f"/wifi/identities/{data.identity.pk}",
                                      {"is_active": True}), 404)


class TestFreeRadiusRest:
    @pytest.fixture
    def token(self, wifi_operator, network):
        _, raw = radius_token_create(actor=wifi_operator, network=network, name="freeradius-1")
        return raw

    def post(self, api, path, body, token):
        return api().post(path, body, **{"X-Radius-Token": token})

    def fr(self, **attrs):
        """The body rlm_rest sends with `body = 'json'`."""
        return {k: {"type": "string", "value": [v]} for k, v in attrs.items()}

    def test_authenticate_accept_and_reject(self, api, token, nas, login):
        ok = self.post(api, "/wifi/radius/authenticate", self.fr(**{
            "User-Name": login.username, "User-Password": login.password,
            "NAS-IP-Address": "127.0.0.1"}), token)
        assert ok.status_code == 200, ok.content
        assert ok.json() == {"reply:Session-Timeout": 43200}
        bad = self.post(api, "/wifi/radius/authenticate", self.fr(**{
            "User-Name": login.username, "User-Password": "wrong",
            "NAS-IP-Address": "127.0.0.1"}), token)
        assert bad.status_code == 401
        assert bad.json() == {"reply:Reply-Message": "Wrong username or password."}
        reasons = list(AuthAttempt.objects.order_by("id").values_list("reason", "via"))
        assert reasons == [("ok", "rest"), ("bad_password", "rest")]

    def test_plain_json_and_basic_auth_work_too(self, api, token, nas, login):
        basic = "Basic " + base64.b64encode(f"radius:{token}".encode()).decode()
        r = api().post("/wifi/radius/authenticate", {
            "User-Name": login.username, "User-Password": login.password,
            "NAS-IP-Address": "127.0.0.1"}, Authorization=basic)
        assert r.status_code == 200, r.content

    def test_authorize_does_not_tell_whether_a_username_exists(self, api, token, nas, login):
        """Known, unknown, locked and disabled logins get one answer: 204, go on to
        authenticate (which decides, with one message for all of them)."""
        known = self.fr(**{"User-Name": login.username, "NAS-IP-Address": "127.0.0.1"})
        unknown = self.fr(**{"User-Name": "ghost", "NAS-IP-Address": "127.0.0.1"})
        answers = [self.post(api, "/wifi/radius/authorize", b, token) for b in (known, unknown)]
        WifiIdentity.objects.filter(pk=login.identity.pk).update(
            locked_until=timezone.now() + dt.timedelta(hours=1))
        answers.append(self.post(api, "/wifi/radius/authorize", known, token))
        WifiIdentity.objects.filter(pk=login.identity.pk).update(is_active=False,
                                                                 locked_until=None)
        answers.append(self.post(api, "/wifi/radius/authorize", known, token))
        assert {(r.status_code, r.content) for r in answers} == {(204, b"")}
        # What it still checks: the token and the access point.
        assert self.post(api, "/wifi/radius/authorize", known, "swr_nope").status_code == 401
        elsewhere = self.fr(**{"User-Name": login.username, "NAS-IP-Address": "10.9.9.9"})
        assert_error(self.post(api, "/wifi/radius/authorize", elsewhere, token), 404)

    @override_settings(SMARTWORK_WIFI={"MAX_FAILURES": 3, "MAX_FAILURES_PER_ADDRESS": 4})
    def test_locked_unknown_and_wrong_get_one_answer(self, api, token, nas, login):
        """A locked login, a locked device, an unknown name and a wrong password are
        answered alike: nothing tells which usernames exist."""
        def authenticate(username, password, station):
            return self.post(api, "/wifi/radius/authenticate", self.fr(**{
                "User-Name": username, "User-Password": password,
                "NAS-IP-Address": "127.0.0.1", "Calling-Station-Id": station}), token)

        answers = {"unknown": authenticate("ghost", "x", "aa-aa-aa-aa-aa-01")}
        for _ in range(3):  # the login locks (each guess from another device)
            answers["wrong"] = authenticate(login.username, "wrong", f"aa-{_}")
        answers["locked login"] = authenticate(login.username, login.password, "aa-aa")
        for _ in range(4):  # one device guessing several names locks the device
            authenticate(f"guess{_}", "x", "BB:BB:BB:BB:BB:BB")
        WifiIdentity.objects.filter(pk=login.identity.pk).update(locked_until=None)
        answers["locked device"] = authenticate(login.username, login.password,
                                                "bb-bb-bb-bb-bb-bb")
        assert {k: (r.status_code, r.json()) for k, r in answers.items()} == {
            k: (401, {"reply:Reply-Message": "Wrong username or password."}) for k in answers}
        # The log tells the operator why.
        reasons = dict(AuthAttempt.objects.order_by("id").values_list("calling_station_id",
                                                                      "reason"))
        assert reasons["aa-aa"] == "rate_limited"
        assert reasons["bb-bb-bb-bb-bb-bb"] == "rate_limited"
        # Another device with the right password gets on.
        assert authenticate(login.username, login.password, "cc-cc").status_code == 200

    def test_accounting_start_stop(self, api, token, nas, login, wifi_centre):
        from smartwork.wifi.tests.helpers import make_booking

        booking = make_booking(member=login.member, centre=wifi_centre)
        base = {"User-Name": login.username, "Acct-Session-Id": "fr-1",
                "NAS-IP-Address": "127.0.0.1"}
        r = self.post(api, "/wifi/radius/accounting",
                      self.fr(**base, **{"Acct-Status-Type": "Start"}), token)
        assert r.status_code == 204, r.content
        booking.refresh_from_db()
        assert booking.state == "checked_in"
        r = self.post(api, "/wifi/radius/accounting", self.fr(**base, **{
            "Acct-Status-Type": "Stop", "Acct-Input-Octets": "10", "Acct-Output-Octets": "20",
            "Acct-Terminate-Cause": "User-Request"}), token)
        assert r.status_code == 204
        s = PresenceSession.objects.get()
        assert s.ended_at is not None and (s.input_octets, s.output_octets) == (10, 20)
        assert_error(self.post(api, "/wifi/radius/accounting", self.fr(**base, **{
            "Acct-Status-Type": "Bogus"}), token), 422, field="Acct-Status-Type")
        assert_error(self.post(api, "/wifi/radius/accounting", self.fr(**base, **{
            "Acct-Status-Type": "Stop", "Acct-Input-Octets": "many"}), token), 422,
            field="Acct-Input-Octets")

    def test_accounting_refuses_odd_numbers_cleanly(self, api, token, nas, login):
        """A status or a counter that is not a plain number within 64 bits is a 422 (or,
        for the status, unknown): "²" passes str.isdigit() but not int(), 2**63 does not
        fit the columns, 1e400 is a float that int() cannot take (infinite)."""
        base = {"User-Name": login.username, "Acct-Session-Id": "odd-1",
                "NAS-IP-Address": "127.0.0.1"}
        for status in ("\u00b2", "\u0663", str(2**63), "1" * 40, "\uff11"):
            answer = self.post(api, "/wifi/radius/accounting",
                               self.fr(**base, **{"Acct-Status-Type": status}), token)
            assert_error(answer, 422, field="Acct-Status-Type")
        assert_error(self.post(api, "/wifi/radius/accounting", self.fr(**base, **{
            "Acct-Status-Type": "a\x00b"}), token), 422)
        for octets in ("\u00b2", str(2**63), "-" + str(2**63 + 1)):
            assert_error(self.post(api, "/wifi/radius/accounting", self.fr(**base, **{
                "Acct-Status-Type": "Start", "Acct-Input-Octets": octets}), token), 422,
                field="Acct-Input-Octets")
        # json.dumps cannot write it: a float beyond the double's range, read as infinity.
        raw = json.dumps({**base, "Acct-Status-Type": "Start", "Acct-Input-Octets": 1}
                         ).replace('"Acct-Input-Octets": 1', '"Acct-Input-Octets": 1e400')
        answer = api().client.post("/api/v1/wifi/radius/accounting", data=raw,
                                   content_type="application/json",
                                   headers={"X-Radius-Token": token})
        assert_error(answer, 422, field="Acct-Input-Octets")
        assert not PresenceSession.objects.exists()

    def test_tokens_are_required_and_scoped_to_their_network(self, api, token, nas, login,
                                                             wifi_operator):
        body = self.fr(**{"User-Name": login.username, "User-Password": login.password,
                          "NAS-IP-Address": "127.0.0.1"})
        assert self.post(api, "/wifi/radius/authenticate", body, "swr_wrong").status_code == 401
        assert api(login.member).post("/wifi/radius/authenticate", body).status_code == 401
        other = testing.make_network()
        _, foreign = radius_token_create(actor=testing.make_operator(other), network=other,
                                         name="other")
        assert_error(self.post(api, "/wifi/radius/authenticate", body, foreign), 404,
                     code="unknown_nas")
        assert_error(self.post(api, "/wifi/radius/authenticate", self.fr(**{
            "User-Name": login.username}), token), 422, field="NAS-IP-Address")
        client = api(wifi_operator)
        tokens = client.get("/wifi/rest-tokens").json()
        revoked = client.post(f"/wifi/rest-tokens/{tokens[0]['id']}/revoke").json()
        assert revoked["revoked_at"] is not None
        assert self.post(api, "/wifi/radius/authenticate", body, token).status_code == 401

    def test_operator_creates_a_token_once(self, api, wifi_operator, network, member):
        r = api(wifi_operator).post("/wifi/rest-tokens", {"network_id": network.pk,
                                                         "name": "fr"})
        assert r.status_code == 201 and r.json()["token"].startswith("swr_")
        assert_error(api(member).post("/wifi/rest-tokens", {"network_id": network.pk,
                                                           "name": "fr"}), 403)


def test_a_locked_wifi_login_is_answered_as_an_unknown_one(api, wifi_operator, network, nas,
                                                           login):
    """Only existing usernames are ever locked: the device is told the same words for a
    locked login as for a username that does not exist."""
    from smartwork.wifi.services import radius_token_create

    _, token = radius_token_create(actor=wifi_operator, network=network, name="fr")

    def authenticate(username, password):
        body = {"User-Name": username, "User-Password": password, "NAS-IP-Address": "127.0.0.1"}
        return api().post("/wifi/radius/authenticate", body, **{"X-Radius-Token": token})

    for _ in range(10):
        authenticate(login.username, "wrong")
    locked = authenticate(login.username, login.password)
    unknown = authenticate("nobody-here", "whatever")
    assert locked.status_code == unknown.status_code == 401
    assert locked.json() == unknown.json() == {"reply:Reply-Message":
                                               "Wrong username or password."}
    assert AuthAttempt.objects.filter(reason="rate_limited").exists()
