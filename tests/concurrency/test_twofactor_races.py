"""One code, sent twice at the same moment (two browsers after the password): a TOTP
code and a recovery code each let exactly one login through. Real threads, each with
its own connection, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from smartwork.core import testing
from smartwork.twofactor import services
from smartwork.twofactor.tests.helpers import code_at, enrol_totp

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def verify_together(user: Any, code: str, n: int = 4) -> list[Any]:
    def call() -> str:
        return services.second_factor_verify(user=user, code=code, address="10.1.1.1")

    return testing.run_together([call] * n, timeout=120)


def test_one_totp_code_passes_once():
    user = testing.make_user()
    device, _codes = enrol_totp(user)
    results = verify_together(user, code_at(device))
    assert [r for r in results if r == "totp"] == ["totp"], results
    assert all(isinstance(r, services.SecondFactorInvalid) for r in results if r != "totp")


def test_one_recovery_code_passes_once():
    user = testing.make_user()
    _device, codes = enrol_totp(user)
    results = verify_together(user, codes[0])
    assert [r for r in results if r == "recovery"] == ["recovery"], results


def test_parallel_wrong_codes_are_checked_no_more_than_the_limit(settings):
    """Many guesses sent at once (a script with the password): each waits for the ones
    before it, so no more codes are checked than the failed-login limit allows; the
    rest are refused as locked, and the account is locked."""
    from smartwork.accounts import throttle
    from smartwork.accounts.models import LoginThrottle

    settings.SMARTWORK = {**settings.SMARTWORK, "LOGIN_MAX_FAILURES": 3}
    user = testing.make_user()
    enrol_totp(user)
    guesses = [f"{n:06d}" for n in range(12)]

    def guess(code: str) -> Any:
        return lambda: services.second_factor_verify(user=user, code=code, address="10.1.1.2")

    results = testing.run_together([guess(c) for c in guesses], timeout=120)
    checked = [r for r in results if isinstance(r, services.SecondFactorInvalid)]
    locked = [r for r in results if isinstance(r, throttle.LoginLocked)]
    assert len(checked) + len(locked) == len(guesses), results
    assert len(checked) == 3, results
    row = LoginThrottle.objects.get(scope=throttle.ACCOUNT, key=user.email)
    assert row.locked_until is not None and row.locks == 1


CHALLENGE = b"a-challenge-of-32-bytes-for-test"


@pytest.fixture
def slow_signature_check(monkeypatch):
    """py_webauthn's check takes a moment longer (as on a busy server), so that answers
    sent together are all being checked before any is recorded."""
    import time

    check = services.verify_authentication_response

    def slow(**kwargs: Any) -> Any:
        verified = check(**kwargs)
        time.sleep(0.3)
        return verified

    monkeypatch.setattr(services, "verify_authentication_response", slow)


def passkey_verify_together(user: Any, key: Any, counters: list[int]) -> list[Any]:
    def call(n: int) -> Any:
        return lambda: services.passkey_verify(
            user=user, credential=key.assertion(CHALLENGE, sign_count=n), challenge=CHALLENGE,
            rp_id=key.rp_id, origin=key.origin, address="10.1.1.3")

    return testing.run_together([call(n) for n in counters], timeout=120)


def test_one_passkey_assertion_sent_twice_at_once_passes_once(slow_signature_check):
    """The same signed answer replayed at once (two tabs, or a copy): the sign counter
    is read and moved under the passkey's row lock, so the copy is refused."""
    from smartwork.twofactor.tests.helpers import SoftAuthenticator

    user = testing.make_user()
    key = SoftAuthenticator(user, sign_count=5)
    for counter in (6, 7, 8):
        results = passkey_verify_together(user, key, [counter] * 3)
        assert sum(not isinstance(r, Exception) for r in results) == 1, results
        assert all(isinstance(r, services.SecondFactorInvalid) for r in results
                   if isinstance(r, Exception)), results
        key.passkey.refresh_from_db()
        assert key.passkey.sign_count == counter


def test_the_passkey_counter_never_goes_back(slow_signature_check):
    """Two answers of one authenticator (counters 11 and 12) checked at once: the stored
    counter ends at the higher one, never put back by the other."""
    from smartwork.twofactor.tests.helpers import SoftAuthenticator

    user = testing.make_user()
    key = SoftAuthenticator(user, sign_count=10)
    for low, high in ((11, 12), (14, 13), (15, 16)):
        passkey_verify_together(user, key, [low, high])
        key.passkey.refresh_from_db()
        assert key.passkey.sign_count == max(low, high)


def test_new_recovery_codes_made_twice_at_once_leave_one_set():
    """A double click on "Make new recovery codes": the old codes stop working and one
    set of ten is left (the last one made), not both."""
    from smartwork.twofactor.models import RecoveryCode

    user = testing.make_user()
    _device, old = enrol_totp(user)
    results = testing.run_together(
        [lambda: services.recovery_codes_generate(user=user)] * 3, timeout=120)
    assert all(isinstance(r, list) for r in results), results
    assert RecoveryCode.objects.filter(user=user).count() == services.RECOVERY_CODES
    assert not services.recovery_code_use(user=user, code=old[0])
    left = [r for r in results if services.recovery_code_use(user=user, code=r[0])]
    assert len(left) == 1, results


def test_one_passkey_sent_twice_at_once_registers_once():
    """A double submit of the same new passkey (two requests, one challenge): both pass
    the check that it is not registered yet; the unique constraint lets one insert
    through and the other gets the form's error, not the constraint's 500."""
    from smartwork.twofactor.models import Passkey
    from smartwork.twofactor.tests.helpers import SoftAuthenticator

    user = testing.make_user()
    key = SoftAuthenticator(user, stored=False)
    challenge = b"a-challenge-of-32-bytes-for-test"
    answer = key.registration(challenge)

    def register() -> Any:
        return services.passkey_register(user=user, name="Laptop", credential=answer,
                                         challenge=challenge, rp_id=key.rp_id,
                                         origin=key.origin)

    for _round in range(3):
        Passkey.objects.all().delete()
        results = testing.run_together([register] * 4)
        added = [r for r in results if isinstance(r, Passkey)]
        refused = [r for r in results if isinstance(r, services.InvalidInput)]
        assert len(added) == 1 and len(refused) == 3, results
        assert all(r.fields == {"credential": ["This passkey is already registered."]}
                   for r in refused), results
        assert Passkey.objects.count() == 1
