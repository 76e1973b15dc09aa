"""The server's RADIUS codec against pyrad (an independent implementation)."""

from __future__ import annotations

import pytest
from pyrad import packet as rp
from pyrad.client import Client

from smartwork.wifi import codec
from smartwork.wifi.server import load_dictionary

SECRET = b"codec-secret-123456"


@pytest.fixture(scope="module")
def client():
    return Client(server="127.0.0.1", secret=SECRET, dict=load_dictionary())


def access_request(client, password="a-rather-long-password-of-40-characters!", **attrs):
    req = client.CreateAuthPacket(code=rp.AccessRequest, User_Name="anne.dupont", **attrs)
    req["User-Password"] = req.PwCrypt(password)
    req.add_message_authenticator()
    return req, req.RequestPacket()


def test_request_is_read_and_checked(client):
    req, raw = access_request(client)
    parsed = codec.parse(raw + b"\x00\x00")  # padding past Length is ignored
    assert parsed.code == codec.ACCESS_REQUEST and parsed.id == req.id
    assert parsed.get_str(1) == "anne.dupont"
    assert codec.check_message_authenticator(parsed, SECRET) is True
    assert codec.check_message_authenticator(parsed, b"wrong-secret") is False
    password = codec.decrypt_password(parsed.get(2), SECRET, parsed.authenticator)
    assert password == b"a-rather-long-password-of-40-characters!"


def test_missing_message_authenticator_is_reported_as_none():
    raw = b"\x01\x07\x00\x17" + bytes(16) + b"\x01\x03x"  # User-Name only
    assert codec.check_message_authenticator(codec.parse(raw), SECRET) is None


def test_reply_is_accepted_by_pyrad_and_copies_proxy_state(client):
    req, raw = access_request(client)
    req.AddAttribute("Proxy-State", b"hop-1")
    raw = req.RequestPacket()
    parsed = codec.parse(raw)
    reply = codec.encode_reply(parsed, codec.ACCESS_ACCEPT, SECRET,
                               [(27, codec.encode_int(3600))])
    assert req.VerifyReply(req.CreateReply(packet=reply), reply, enforce_ma=True)
    decoded = req.CreateReply(packet=reply)
    assert decoded["Session-Timeout"] == [3600] and decoded["Proxy-State"] == [b"hop-1"]
    tampered = bytearray(reply)
    tampered[-1] ^= 1
    assert not req.VerifyReply(req.CreateReply(packet=bytes(tampered)), bytes(tampered))


def test_accounting_authenticator(client):
    req = client.CreateAcctPacket(User_Name="anne.dupont")
    req["Acct-Status-Type"] = "Start"
    req["Acct-Session-Id"] = "s-1"
    raw = req.RequestPacket()
    parsed = codec.parse(raw)
    assert codec.check_accounting_authenticator(parsed, SECRET)
    assert not codec.check_accounting_authenticator(parsed, b"other-secret")
    assert parsed.get_int(40) == 1 and parsed.get_str(44) == "s-1"
    reply = codec.encode_reply(parsed, codec.ACCOUNTING_RESPONSE, SECRET, [],
                               message_authenticator=False)
    assert req.VerifyReply(req.CreateReply(packet=reply), reply)


@pytest.mark.parametrize("raw", [
    b"\x01\x01\x00",                                   # shorter than a header
    b"\x01\x01\x00\x10" + bytes(16),                   # length below 20
    b"\x01\x01\x00\x30" + bytes(16),                   # length past the data
    b"\x01\x01\x00\x17" + bytes(16) + b"\x01\x01\x00",  # attribute length 1
    b"\x01\x01\x00\x17" + bytes(16) + b"\x01\x09\x00",  # attribute past the end
])
def test_malformed_packets_are_refused(raw):
    with pytest.raises(codec.MalformedPacket):
        codec.parse(raw)


def test_bad_password_lengths_are_refused():
    with pytest.raises(codec.MalformedPacket):
        codec.decrypt_password(b"short", SECRET, bytes(16))
    with pytest.raises(codec.MalformedPacket):
        codec.decrypt_password(bytes(144), SECRET, bytes(16))
