"""The awareness programme: validation, the starter library, campaigns scoped to the
company, completion, progress counts, mails sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from smartwork.accounts.models import Team
from smartwork.core import testing
from smartwork.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from smartwork.wellbeing import training
from smartwork.wellbeing.models import Campaign, Completion, Module
from smartwork.wellbeing.tests.helpers import staff

pytestmark = pytest.mark.django_db
START = dt.date(2026, 3, 2)


@pytest.fixture
def seeded(network, operator):
    assert training.library_seed(actor=operator, network=network) == 24
    assert training.library_seed(actor=operator, network=network) == 0  # idempotent
    return network


def fr(slug):
    return Module.objects.get(slug=slug, language="fr")


class TestModules:
    def test_a_quiz_without_a_correct_answer_is_refused(self, company, company_admin):
        quiz = [{"question": "Q?", "choices": ["a", "b"]}]
        with pytest.raises(InvalidInput) as exc:
            training.module_create(actor=company_admin, company=company, title="Q", kind="quiz",
                                   language="fr", topic="security", quiz=quiz, pass_mark=50)
        assert "quiz" in exc.value.fields and "correct" in exc.value.message
        quiz[0]["correct"] = 5
        with pytest.raises(InvalidInput):
            training.module_create(actor=company_admin, company=company, title="Q", kind="quiz",
                                   language="fr", topic="security", quiz=quiz, pass_mark=50)
        assert not Module.objects.exists()

    def test_other_kinds_need_their_content(self, company, company_admin):
        for kind, field in (("article", "body"), ("video", "video_url"),
                            ("checklist", "checklist")):
            with pytest.raises(InvalidInput) as exc:
                training.module_create(actor=company_admin, company=company, title="M",
                                       kind=kind, language="en", topic="other")
            assert field in exc.value.fields

    def test_starter_library_in_four_languages_by_the_operator_only(self, seeded, company,
                                                                     company_admin):
        assert set(Module.objects.values_list("language", flat=True)) == {"en", "fr", "nl", "de"}
        topics = set(Module.objects.values_list("topic", flat=True))
        assert topics == {"objectives", "disconnect", "rituals", "security", "ergonomics",
                          "centres"}
        assert Module.objects.get(slug="security", language="nl").mandatory
        german = Module.objects.get(slug="security", language="de")
        assert german.title == "Sicher aus der Ferne arbeiten" and len(german.quiz) == 4
        with pytest.raises(Forbidden):
            training.library_seed(actor=company_admin, network=seeded)


class TestCampaigns:
    def test_teams_or_modules_outside_the_company_are_refused(self, seeded, company,
                                                              company_admin):
        other = testing.make_organisation(network=company.network)
        foreign_team = Team.objects.create(company=other, name="Theirs")
        foreign_module = Module.objects.create(company=other, language="fr", topic="other",
                                               kind="article", title="T", body="x")
        for team_ids, module_ids, field in (([foreign_team.pk], [fr("security").pk], "teams"),
                                            ([], [foreign_module.pk], "modules"),
                                            ([], [], "modules")):
            with pytest.raises(InvalidInput) as exc:
                training.campaign_create(actor=company_admin, company=company, title="C",
                                         audience="teams" if team_ids else "company",
                                         starts_on=START, due_on=START + dt.timedelta(days=14),
                                         module_ids=module_ids, team_ids=team_ids)
            assert field in exc.value.fields
        assert not Campaign.objects.exists()
        with pytest.raises(Forbidden):
            training.campaign_create(actor=company_admin, company=other, title="C",
                                     audience="company", starts_on=START, due_on=START,
                                     module_ids=[fr("security").pk])

    def test_completion_progress_and_privacy(self, seeded, company, company_admin):
        team = Team.objects.create(company=company, name="Ops")
        ops = staff(company, 5, team)
        small = staff(company, 2, Team.objects.create(company=company, name="Tiny"))
        c = training.campaign_create(
            actor=company_admin, company=company, title="Remote basics", audience="teams",
            team_ids=[team.pk], starts_on=START, due_on=START + dt.timedelta(days=14),
            module_ids=[fr("disconnect").pk, fr("security").pk])
        assert [a["campaign"] for a in training.my_assignments(actor=ops[0], today=START)] == [c]
        assert training.my_assignments(actor=small[0], today=START) == []
        with pytest.raises(NotFound):
            training.module_complete(actor=small[0], campaign=c, module=fr("disconnect"))
        quiz = fr("security")
        wrong = training.module_complete(actor=ops[0], campaign=c, module=quiz,
                                         answers=[0, 0, 0, 0])
        assert wrong == {"passed": False, "score": 25, "pass_mark": 75}
        assert not Completion.objects.exists()
        for person in ops[:3]:
            training.module_complete(actor=person, campaign=c, module=fr("disconnect"))
            assert training.module_complete(actor=person, campaign=c, module=quiz,
                                            answers=[1, 0, 1, 1])["passed"]
        with pytest.raises(Conflict):
            training.module_complete(actor=ops[0], campaign=c, module=fr("disconnect"))
        progress = training.campaign_progress(actor=company_admin, campaign=c)
        assert progress["audience"] == 5 and progress["completed"] == 3
        assert [m["done"] for m in progress["modules"]] == [3, 3]
        assert progress["teams"] == [{"team": "Ops", "people": 5, "done": 3}]
        # the mandatory module (security) shows each person's status; nothing else does
        assert len(progress["mandatory"]) == 5
        assert all(len(p["modules"]) == 1 for p in progress["mandatory"])

    def test_a_checklist_needs_every_item(self, seeded, company, company_admin, member):
        c = training.campaign_create(actor=company_admin, company=company, title="Ergo",
                                     audience="company", starts_on=START, due_on=START,
                                     module_ids=[fr("ergonomics").pk])
        with pytest.raises(InvalidInput):
            training.module_complete(actor=member, campaign=c, module=fr("ergonomics"),
                                     checked=[0, 1])
        assert training.module_complete(actor=member, campaign=c, module=fr("ergonomics"),
                                        checked=[0, 1, 2, 3, 4])["passed"]


class TestMailsOnce:
    def test_launch_and_reminder_sent_once_to_the_right_people(
            self, seeded, company, company_admin, django_capture_on_commit_callbacks):
        people = staff(company, 3)
        c = training.campaign_create(actor=company_admin, company=company, title="Basics",
                                     audience="company", starts_on=START,
                                     due_on=START + dt.timedelta(days=10),
                                     module_ids=[fr("disconnect").pk], remind_days_before=3)
        with django_capture_on_commit_callbacks(execute=True):
            assert training.campaigns_send_mails(today=START) == {"launched": 1, "reminded": 0}
            assert training.campaigns_send_mails(today=START) == {"launched": 0, "reminded": 0}
        assert len(mail.outbox) == 4  # three staff and the admin
        training.module_complete(actor=people[0], campaign=c, module=fr("disconnect"))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert training.campaigns_send_mails(today=START + dt.timedelta(days=6)) == \
                {"launched": 0, "reminded": 0}
            assert training.campaigns_send_mails(today=START + dt.timedelta(days=7)) == \
                {"launched": 0, "reminded": 1}
            assert training.campaigns_send_mails(today=START + dt.timedelta(days=8)) == \
                {"launched": 0, "reminded": 0}
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [p.email for p in people[1:]] + [company_admin.email])


@pytest.mark.parametrize("value", ["\u00b2", str(2**63), "1\x00", "x"])
def test_the_module_page_takes_an_odd_answer_as_no_answer(seeded, company, company_admin,
                                                          member, value):
    """A quiz answer or a ticked item is read as plain digits: "²" (str.isdigit(), not
    int()), a letter or a NUL byte is no answer, shown as the service's message (not
    Python's "invalid literal for int()"), and nothing is stored."""
    from django.test import Client

    c = training.campaign_create(actor=company_admin, company=company, title="Ergo",
                                 audience="company", starts_on=START, due_on=START,
                                 module_ids=[fr("ergonomics").pk, fr("security").pk])
    client = Client()
    client.force_login(member)
    url = f"/wellbeing/campaigns/{c.pk}/modules/{fr('ergonomics').pk}/"
    ticked = client.post(url, {"checked": ["0", "1", "2", "3", value]})
    page = ticked.content.decode()
    assert ticked.status_code == 200 and "invalid literal" not in page
    assert "Tick every item of the checklist." in page
    quiz = client.post(f"/wellbeing/campaigns/{c.pk}/modules/{fr('security').pk}/",
                       {"q0": value, "q1": "1", "q2": "1", "q3": "1"})
    assert quiz.status_code == 200 and "invalid literal" not in quiz.content.decode()
    assert not Completion.objects.exists()
