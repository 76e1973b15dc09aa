"""Accounts services: Belgian identifiers, IBAN, organisations, roles, tokens."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from smartwork.accounts import services
from smartwork.accounts.choices import OrganisationKind, Role
from smartwork.accounts.models import ApiToken, Organisation, RoleAssignment
from smartwork.accounts.validators import (
    clean_enterprise_number,
    clean_vat_number,
    format_enterprise_number,
)
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from smartwork.core.models import AuditEntry
from smartwork.demo.load import belgian_iban, enterprise_number


def check_digits(first8: str) -> str:
    return f"{97 - int(first8) % 97:02d}"


class TestEnterpriseAndVatNumbers:
    @pytest.mark.parametrize("raw", ["0403.170.701", "0403170701", "BE0403170701",
                                     "BE 0403.170.701", "403170701"])
    def test_valid_forms_are_compacted(self, raw):
        assert clean_enterprise_number(raw) == "0403170701"

    @pytest.mark.parametrize("first8", ["04031707", "08000001", "12345678", "07654321"])
    def test_the_rule_is_97_minus_first_eight_mod_97(self, first8):
        good = first8 + check_digits(first8)
        assert clean_enterprise_number(good) == good
        wrong = first8 + f"{(int(check_digits(first8)) % 97) + 1:02d}"
        with pytest.raises(ValidationError) as exc:
            clean_enterprise_number(wrong)
        assert exc.value.code == "checksum"

    @pytest.mark.parametrize("raw", ["0403.170.70", "abc", "04031707011"])
    def test_bad_format_is_a_format_error(self, raw):
        with pytest.raises(ValidationError) as exc:
            clean_enterprise_number(raw)
        assert exc.value.code in {"format", "checksum"}

    def test_vat_numbers(self):
        assert clean_vat_number("BE 0403.170.701") == "BE0403170701"
        assert clean_vat_number("0403170701") == "BE0403170701"
        with pytest.raises(ValidationError) as exc:
            clean_vat_number("BE0403170702")
        assert exc.value.code == "checksum"
        # Another member state's number is checked by its own rules.
        assert clean_vat_number("NL004495445B01") == "NL004495445B01"
        with pytest.raises(ValidationError):
            clean_vat_number("NL12345")

    def test_format_enterprise_number(self):
        assert format_enterprise_number("0403170701") == "0403.170.701"

    def test_demo_generators_produce_valid_numbers(self):
        from schwifty import IBAN

        for n in range(1, 200, 7):
            number = enterprise_number(n)
            assert clean_enterprise_number(number) == number
            assert IBAN(belgian_iban(n)).country_code == "BE"


@pytest.mark.django_db
class TestOrganisationServices:
    def payload(self, **extra):
        data = {"legal_name": "Nouvelle SRL", "kind": OrganisationKind.COMPANY,
                "enterprise_number": "0403.170.701", "city": "Namur"}
        data.update(extra)
        return data

    def test_create_cleans_numbers_and_sets_the_peppol_endpoint(self, operator, network):
        org = services.organisation_create(actor=operator, network=network,
                                           **self.payload(vat_number="BE 0403 170 701",
                                                          iban="be68 5390 0754 7034"))
        assert org.enterprise_number == "0403170701"
        assert org.vat_number == "BE0403170701"
        assert org.iban == "BE68539007547034"
        assert org.peppol_endpoint == "0208:0403170701"
        assert AuditEntry.objects.filter(action="organisation.created",
                                         object_id=str(org.pk)).exists()

    def test_wrong_check_digits_are_refused_with_the_field(self, operator, network):
        with pytest.raises(InvalidInput) as exc:
            services.organisation_create(actor=operator, network=network,
                                         **self.payload(enterprise_number="0403.170.702"))
        assert "enterprise_number" in exc.value.fields
        assert "check digits" in exc.value.fields["enterprise_number"][0]
        assert not Organisation.objects.filter(legal_name="Nouvelle SRL").exists()

    @pytest.mark.parametrize("iban", ["BE68539007547035", "XX00123", "BE685390075470"])
    def test_invalid_iban_is_refused(self, operator, network, iban):
        with pytest.raises(InvalidInput) as exc:
            services.organisation_create(actor=operator, network=network,
                                         **self.payload(iban=iban))
        assert "iban" in exc.value.fields
        assert not Organisation.objects.filter(legal_name="Nouvelle SRL").exists()

    def test_a_company_needs_a_network(self, operator):
        with pytest.raises(InvalidInput) as exc:
            services.organisation_create(actor=operator, **self.payload())
        assert "network" in exc.value.fields

    def test_duplicate_enterprise_number_is_refused(self, operator, network):
        services.organisation_create(actor=operator, network=network, **self.payload())
        with pytest.raises(InvalidInput) as exc:
            services.organisation_create(actor=operator, network=network,
                                         **self.payload(legal_name="Copy"))
        # The unique constraint is reported by full_clean (under "__all__" today).
        assert "enterprise_number" in str(exc.value.fields)
        assert not Organisation.objects.filter(legal_name="Copy").exists()

    def test_unknown_fields_are_refused(self, operator, network):
        with pytest.raises(InvalidInput) as exc:
            services.organisation_create(actor=operator, network=network,
                                         **self.payload(password="x"))
        assert "password" in exc.value.fields

    @pytest.mark.parametrize("who", ["manager", "company_admin", "member"])
    def test_only_operators_onboard_organisations(self, request, network, who):
        actor = request.getfixturevalue(who)
        with pytest.raises(Forbidden):
            services.organisation_create(actor=actor, network=network, **self.payload())

    def test_an_operator_of_another_network_may_not_edit_a_company(self, company):
        other_operator = testing.make_operator(testing.make_network())
        with pytest.raises(Forbidden):
            services.organisation_update(actor=other_operator, organisation=company,
                                         city="Liège")

    def test_update_validates_too(self, operator, company):
        with pytest.raises(InvalidInput):
            services.organisation_update(actor=operator, organisation=company,
                                         vat_number="BE0403170702")
        company.refresh_from_db()
        assert company.vat_number == ""


@pytest.mark.django_db
class TestRoles:
    def test_operator_assigns_scoped_roles_once(self, operator, centre):
        user = testing.make_user()
        first = services.role_assign(actor=operator, user=user, role=Role.CENTRE_MANAGER,
                                     centre=centre)
        again = services.role_assign(actor=operator, user=user, role=Role.CENTRE_MANAGER,
                                     centre=centre)
        assert first.pk == again.pk
        assert AuditEntry.objects.filter(action="role.assigned").count() == 1

    def test_role_needs_its_scope(self, operator, network):
        user = testing.make_user()
        with pytest.raises(InvalidInput) as exc:
            services.role_assign(actor=operator, user=user, role=Role.CENTRE_MANAGER)
        assert "centre" in exc.value.fields
        with pytest.raises(InvalidInput) as exc:
            services.role_assign(actor=operator, user=user, role=Role.OPERATOR)
        assert "network" in exc.value.fields
        with pytest.raises(InvalidInput):
            services.role_assign(actor=operator, user=user, role="king", network=network)

    def test_company_admin_only_for_customer_companies(self, operator, centre):
        with pytest.raises(InvalidInput) as exc:
            services.role_assign(actor=operator, user=testing.make_user(),
                                 role=Role.COMPANY_ADMIN, organisation=centre.operator)
        assert "organisation" in exc.value.fields

    def test_operator_of_another_network_may_not_assign_here(self, centre):
        other_operator = testing.make_operator(testing.make_network())
        with pytest.raises(Forbidden):
            services.role_assign(actor=other_operator, user=testing.make_user(),
                                 role=Role.RECEPTIONIST, centre=centre)
        assert not RoleAssignment.objects.filter(role=Role.RECEPTIONIST).exists()

    def test_manager_may_not_assign_roles(self, manager, centre):
        with pytest.raises(Forbidden):
            services.role_assign(actor=manager, user=testing.make_user(),
                                 role=Role.RECEPTIONIST, centre=centre)

    def test_revoke_forgets_the_cached_roles(self, operator, manager, centre):
        from smartwork.core.permissions import allowed

        assert allowed(manager, "centre.prices", centre=centre)
        assignment = RoleAssignment.objects.select_related("user").get(user=manager)
        services.role_revoke(actor=operator, assignment=assignment)
        # The roles are cached per user object: the revoked object forgets them,
        # and a user read anew (the next request) has none.
        assert not allowed(assignment.user, "centre.prices", centre=centre)
        from smartwork.accounts.models import User

        assert not allowed(User.objects.get(pk=manager.pk), "centre.prices", centre=centre)
        assert AuditEntry.objects.filter(action="role.revoked").exists()

    def test_user_create_refuses_a_duplicate_email(self):
        services.user_create(email="Someone@Example.org", password="pw-12345678")
        with pytest.raises(Conflict) as exc:
            services.user_create(email="someone@example.org ")
        assert "email" in exc.value.fields


@pytest.mark.django_db
class TestTokens:
    def test_only_the_hash_is_stored_and_the_raw_token_authenticates(self, member):
        token, raw = services.api_token_create(user=member, name="script")
        assert raw.startswith(services.TOKEN_PREFIX)
        stored = ApiToken.objects.get(pk=token.pk)
        assert raw not in (stored.key_hash, stored.prefix)
        assert services.api_token_authenticate(raw=raw) == member
        assert services.api_token_authenticate(raw=raw + "x") is None
        assert services.api_token_authenticate(raw="not-a-token") is None

    def test_revoked_tokens_and_inactive_users_do_not_authenticate(self, member):
        token, raw = services.api_token_create(user=member, name="script")
        services.api_token_revoke(user=member, token_id=token.pk)
        assert services.api_token_authenticate(raw=raw) is None
        _token, raw2 = services.api_token_create(user=member, name="second")
        member.is_active = False
        member.save()
        assert services.api_token_authenticate(raw=raw2) is None

    def test_a_token_needs_a_name_and_belongs_to_its_user(self, member, outsider):
        with pytest.raises(InvalidInput):
            services.api_token_create(user=member, name="  ")
        token, _raw = services.api_token_create(user=member, name="mine")
        with pytest.raises(NotFound):
            services.api_token_revoke(user=outsider, token_id=token.pk)
        assert ApiToken.objects.get(pk=token.pk).revoked_at is None


@pytest.mark.django_db
def test_profile_update_validates_home_coordinates(member):
    bad_updates = [{"home_lat": None}, {"home_lat": "95", "home_lon": "4.8"},
                   {"home_lon": "-181"}, {"is_superuser": True}]
    for data in bad_updates:
        with pytest.raises(InvalidInput):
            services.profile_update(user=member, **data)
        # Nothing stored; the in-memory object is read anew as a request would.
        member.refresh_from_db()
        assert str(member.home_lat) == "50.467400" and not member.is_superuser
    updated = services.profile_update(user=member, home_town="Namur", commute_mode="train")
    assert updated.home_town == "Namur" and updated.commute_mode == "train"


@pytest.mark.django_db
def test_anonymous_is_not_authenticated():
    from django.contrib.auth.models import AnonymousUser

    from smartwork.core.permissions import require

    with pytest.raises(NotAuthenticated):
        require(AnonymousUser(), "organisation.manage")


@pytest.mark.django_db
def test_the_same_role_twice_is_one_assignment_and_the_database_refuses_a_duplicate():
    from django.db import IntegrityError, transaction

    from smartwork.accounts.models import RoleAssignment
    from smartwork.accounts.services import role_assign

    network = testing.make_network()
    operator = testing.make_operator(network)
    user = testing.make_user()
    first = role_assign(actor=operator, user=user, role="operator", network=network)
    again = role_assign(actor=operator, user=user, role="operator", network=network)
    assert first.pk == again.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role="operator", network=network)
    assert RoleAssignment.objects.filter(user=user).count() == 1
