"""centre_get reads an id or a slug: a number too large for the databases, or digits
that are not ASCII, are slugs that do not exist (404), never an overflow (500)."""

from __future__ import annotations

import pytest

from smartwork.core import testing
from smartwork.core.errors import NotFound
from smartwork.network import selectors


@pytest.mark.parametrize("key", ["9" * 30, str(2**63), "\u00b2", "0"])
def test_an_id_out_of_range_or_not_ascii_is_not_found(centre, key):
    with pytest.raises(NotFound):
        selectors.centre_get(centre_id=key)


def test_an_id_and_a_slug_find_the_centre(centre):
    assert selectors.centre_get(centre_id=str(centre.pk)).pk == centre.pk
    assert selectors.centre_get(centre_id=centre.slug).pk == centre.pk


def test_the_centres_a_company_sees_include_its_hosted_spaces_and_its_partners(network):
    """One rule for a viewer (centre_visible_q) and for a company's policy page
    (workplans: the centres its policy may name)."""
    from smartwork.network.models import Centre
    from smartwork.network.tests.test_formats import Hosted

    hosted = Hosted(network)

    def sees(company):
        return Centre.objects.filter(selectors.centre_visible_to_companies_q([company.pk]),
                                     pk=hosted.centre.pk).exists()

    assert sees(hosted.host) and sees(hosted.partner) and not sees(hosted.third)


def test_a_companys_policy_offers_only_the_centres_it_sees(network):
    from django.test import Client

    from smartwork.network.choices import LabelStatus
    from smartwork.network.tests.test_formats import Hosted

    hosted = Hosted(network)
    public = testing.make_centre(
        network=network, name="Public centre", label_status=LabelStatus.LABELLED)
    for admin, company, visible in ((hosted.third_admin, hosted.third, False),
                                    (hosted.host_admin, hosted.host, True)):
        client = Client()
        client.force_login(admin)
        page = client.get(f"/smartworking/company/{company.pk}/policy/").content.decode()
        assert "Public centre" in page, public
        assert ("Aurelium desks" in page) is visible
