"""The second step with a passkey (services.passkey_verify), with a software
authenticator signing real WebAuthn answers: accepted once per counter, refused with a
wrong challenge, another's key or an unknown one, every refusal counted."""

from __future__ import annotations

import pytest

from smartwork.accounts.models import LoginThrottle
from smartwork.core import testing
from smartwork.twofactor import services
from smartwork.twofactor.tests.helpers import SoftAuthenticator

pytestmark = pytest.mark.django_db

CHALLENGE = b"a-challenge-of-32-bytes-for-test"


def verify(user, key, answer, challenge=CHALLENGE):
    return services.passkey_verify(user=user, credential=answer, challenge=challenge,
                                   rp_id=key.rp_id, origin=key.origin, address="10.9.9.9")


def failures(user) -> int:
    row = LoginThrottle.objects.filter(scope="account", key=user.email).first()
    return row.failures if row else 0


def test_a_signed_answer_logs_in_and_moves_the_counter_on():
    user = testing.make_user()
    key = SoftAuthenticator(user, sign_count=3)
    assert verify(user, key, key.assertion(CHALLENGE, sign_count=4)).pk == key.passkey.pk
    key.passkey.refresh_from_db()
    assert key.passkey.sign_count == 4 and key.passkey.last_used_at is not None


def test_a_replayed_answer_is_refused_and_counted():
    user = testing.make_user()
    key = SoftAuthenticator(user, sign_count=3)
    answer = key.assertion(CHALLENGE, sign_count=4)
    verify(user, key, answer)
    with pytest.raises(services.SecondFactorInvalid):
        verify(user, key, answer)
    assert failures(user) == 1
    key.passkey.refresh_from_db()
    assert key.passkey.sign_count == 4


@pytest.mark.parametrize("case", ["wrong_challenge", "someone_elses_key", "unknown_key"])
def test_a_wrong_answer_is_refused_and_counted(case):
    user = testing.make_user()
    key = SoftAuthenticator(user)
    answer = key.assertion(CHALLENGE, sign_count=1)
    if case == "wrong_challenge":
        answer = key.assertion(b"another-challenge-of-32-bytes-xx", sign_count=1)
    elif case == "someone_elses_key":
        key = SoftAuthenticator(testing.make_user())
        answer = key.assertion(CHALLENGE, sign_count=1)
    else:
        answer = {**answer, "id": "AAAA", "rawId": "AAAA"}
    with pytest.raises(services.SecondFactorInvalid):
        verify(user, key, answer)
    assert failures(user) == 1


def register(user, key, challenge=CHALLENGE):
    return services.passkey_register(user=user, name="Laptop", credential=key.registration(
        challenge), challenge=challenge, rp_id=key.rp_id, origin=key.origin)


def test_a_passkey_registers_once_then_is_refused_for_anyone():
    """The same credential id a second time (a double submit, or another account
    sending it) is the form's error, never the unique constraint's 500."""
    from smartwork.twofactor.models import Passkey

    user = testing.make_user()
    key = SoftAuthenticator(user, stored=False)
    passkey = register(user, key)
    assert passkey.credential_id_b64 == key.registration(CHALLENGE)["id"]
    for who in (user, testing.make_user()):
        with pytest.raises(services.InvalidInput) as exc:
            register(who, key)
        assert exc.value.fields == {"credential": ["This passkey is already registered."]}
        assert exc.value.status == 422
    assert list(Passkey.objects.values_list("pk", flat=True)) == [passkey.pk]
