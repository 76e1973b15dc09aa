"""Scoring of the cited instruments against their published scoring."""

from __future__ import annotations

import pytest

from smartwork.core.errors import InvalidInput
from smartwork.wellbeing import instruments
from smartwork.wellbeing.tests.helpers import full_answers, who5


class TestWho5:
    """WHO (1998); Topp et al. (2015): raw = sum of 5 items 0-5 (0-25), percentage = raw x 4;
    <= 50 poor well-being, <= 28 likely depression."""

    def test_five_items_on_a_six_point_scale(self):
        spec = instruments.instruments()["who5"]
        assert len(spec["items"]) == 5
        assert sorted(instruments.scale("who5")["values"]) == [0, 1, 2, 3, 4, 5]
        assert spec["origin"] == "published"
        assert "1998" in spec["citation"] and "10.1159/000376585" in spec["citation"]

    @pytest.mark.parametrize(("answers", "raw", "percent"), [
        ([0, 0, 0, 0, 0], 0, 0),
        ([5, 5, 5, 5, 5], 25, 100),
        ([3, 2, 4, 1, 3], 13, 52),
        ([2, 2, 3, 3, 2], 12, 48),
        ([1, 2, 1, 2, 1], 7, 28),
        ([2, 2, 1, 2, 1], 8, 32),
    ])
    def test_raw_times_four(self, answers, raw, percent):
        given = {f"who5_{i}": v for i, v in enumerate(answers, start=1)}
        assert instruments.raw_score("who5", given) == raw
        assert instruments.score("who5", given) == percent

    def test_published_bands(self):
        assert instruments.band("who5", 28, "en")["key"] == "likely_depression"
        assert instruments.band("who5", 32, "en")["key"] == "poor_wellbeing"
        assert instruments.band("who5", 50, "en")["key"] == "poor_wellbeing"
        assert instruments.band("who5", 52, "en") is None  # raw 13: not under the cut-off


class TestOwnQuestions:
    def test_said_to_be_ours(self):
        for key, spec in instruments.instruments().items():
            if key != "who5":
                assert spec["origin"] == "smartwork"
                assert "Written for smartwork" in spec["citation"]

    def test_reverse_items_and_linear_scores(self):
        assert instruments.score("isolation", {"iso_1": 1}) == 100  # never cut off
        assert instruments.score("isolation", {"iso_1": 5}) == 0
        assert instruments.score("work_life_balance", {"wlb_1": 4}) == 75
        assert instruments.score("productivity_self", {"prod_1": 7}) == 70
        sec = {"sec_mfa": 1, "sec_updates": 1, "sec_backup": 0, "sec_lock": 1, "sec_network": 0}
        assert instruments.score("it_security", sec) == 60

    def test_every_text_in_three_languages(self):
        # and German (issue 20): every text in en, fr, nl and de
        for spec in instruments.instruments().values():
            for item in spec["items"]:
                assert set(item["text"]) == {"en", "fr", "nl", "de"}
            assert set(spec["name"]) == {"en", "fr", "nl", "de"}


class TestValidation:
    def test_missing_out_of_scale_and_unknown_answers_are_named(self):
        answers = {**who5(3), "who5_2": 9, "iso_1": None, "bogus": 1}
        answers.pop("who5_5")
        with pytest.raises(InvalidInput) as exc:
            instruments.validate_answers(["who5", "isolation"], answers)
        assert set(exc.value.fields) == {"who5_2", "who5_5", "iso_1", "bogus"}

    def test_full_answers_pass(self):
        keys = list(instruments.instruments())
        assert instruments.validate_answers(keys, full_answers()) == full_answers()
