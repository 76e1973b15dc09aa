"""Economics in a real browser, on the demo (a year of Walloon bookings and costs):
the operator in French reads the network's economics, opens the losing centre, is
refused a negative cost and adds a real one, and runs a pricing what-if; the Namur
centre manager in Dutch reads their centre and records a new version of a cost; the
operator in Dutch is refused an elasticity of the wrong sign and closes a centre."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smartwork.accounts.models import User
from smartwork.demo import demo_load
from smartwork.economics.models import CostItem, CostVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _operator() -> User:
    return User.objects.get(email__startswith="operator.walloon@")


def test_operator_in_french_reads_the_economics_and_tests_a_price(site):
    demo_load()
    page = site.page
    site.login(_operator())
    site.go("/network/")
    site.switch_language("fr")
    page.locator("ul.tabs").get_by_role("link", name="Économie").click()
    expect(page.locator("#network-kpis")).to_contain_text("marge du réseau")
    # The 8 full centres: the page leaves out centres with no revenue, cost or booking in
    # the months shown, as the demo's new mini centre and hosted desks (opened today).
    expect(page.locator("#economics-centres tbody tr")).to_have_count(8)
    expect(page.locator("#economics-centres td.bad")).to_have_count(1)
    expect(page.locator("figure svg").first).to_be_visible()
    site.shot("economics-network-fr")
    # The losing centre: its row is the one in red.
    losing = page.locator("#economics-centres tbody tr", has=page.locator("td.bad"))
    name = losing.locator("th a").inner_text()
    losing.locator("th a").click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("#centre-margin")).to_have_class(re.compile("bad"))
    page.locator("#add-cost summary").click()
    expect(page.locator("label[for=id_cost-kind]")).to_contain_text("Type")
    page.locator("#id_cost-kind").select_option("services")
    add = page.locator("#add-cost")
    add.get_by_label("Nom").fill("Assurance")
    add.get_by_label("Montant").fill("-50")
    add.get_by_label("À partir de (mois)").fill("2026-01")
    add.get_by_role("button", name="Ajouter le coût").click()
    expect(page.locator("#add-cost")).to_contain_text("ne peut pas être négatif")
    assert not CostItem.objects.filter(label="Assurance").exists()
    add = page.locator("#add-cost")
    add.get_by_label("Montant").fill("50")
    add.get_by_role("button", name="Ajouter le coût").click()
    expect(page.locator(".msg, [role=status], .messages").first).to_contain_text("Coût ajouté")
    assert CostItem.objects.filter(label="Assurance").count() == 1
    site.shot("economics-centre-fr")
    # A what-if: desks 10 % dearer at this centre, with an assumed elasticity.
    site.go("/economics/network/what-if/")
    form = page.locator("#whatif-pricing form")
    form.get_by_label("Ce qui change").select_option("kind_price")
    form.locator("#id_p-centre_id").select_option(label=name)
    form.get_by_label("Type de ressource").select_option("desk")
    form.get_by_label("Variation de prix (%)").fill("10")
    form.get_by_label("Élasticité-prix supposée (facultatif)").fill("-0.5")
    form.get_by_role("button", name="Calculer").click()
    expect(page.locator("#pricing-result")).to_contain_text("Demande inchangée")
    expect(page.locator("#pricing-result")).to_contain_text("élasticité supposée")
    site.shot("economics-whatif-fr")


def test_manager_and_operator_in_dutch(site):
    demo_load()
    page = site.page
    manager = User.objects.get(email__startswith="manager.namur@")
    site.login(manager)
    site.switch_language("nl")
    page.locator("nav.top").get_by_role("link", name="Economie").click()
    expect(page.locator("#centre-kpis")).to_contain_text("marge")
    expect(page.locator("#centre-months tbody tr")).to_have_count(12)
    rent = page.locator("article.cost").first
    rent.locator("summary").click()
    rent.get_by_label("Bedrag").fill("999")
    rent.get_by_label("Vanaf (maand)").fill("2026-11")
    rent.get_by_role("button", name="Nieuwe versie opslaan").click()
    expect(page.locator("main")).to_contain_text("opgeslagen")
    assert CostVersion.objects.filter(amount=999).count() == 1
    site.shot("economics-centre-nl")
    # The network's pages are the operator's.
    assert site.go("/economics/network/").status == 403

    page.context.clear_cookies()
    site.login(_operator())
    site.switch_language("nl")
    site.go("/economics/network/what-if/")
    form = page.locator("#whatif-pricing form")
    form.get_by_label("Wat verandert").select_option("commission")
    form.get_by_label("Nieuwe waarde van een kredietuur of commissie (%)").fill("20")
    form.get_by_label("Veronderstelde prijselasticiteit (optioneel)").fill("0.4")
    form.get_by_role("button", name="Berekenen").click()
    expect(page.locator("#whatif-pricing")).to_contain_text("de vraag daalt")
    expect(page.locator("#pricing-result")).to_have_count(0)
    close = page.locator("#whatif-closing form")
    close.locator("#id_c-centre_id").select_option(index=0)
    close.get_by_role("button", name="Berekenen").click()
    expect(page.locator("#closing-result")).to_contain_text("kosten die wegvallen")
    site.shot("economics-whatif-nl")
