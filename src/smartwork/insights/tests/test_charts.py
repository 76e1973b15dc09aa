from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from smartwork.insights import charts, report
from smartwork.insights.commute import CommuteInput, compute
from smartwork.insights.factors import load_emission_factors

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_bar_chart_is_accessible_and_escapes_text():
    svg = charts.bar_chart(title="Hours <by> centre", desc="One bar per centre.",
                           labels=["Namur & co", "Liège"], values=[10, None], unit="h")
    root = parse(svg)
    assert root.get("role") == "img"
    t_id, d_id = root.get("aria-labelledby").split()
    assert root.find(f"{NS}title").get("id") == t_id
    assert root.find(f"{NS}title").text == "Hours <by> centre"
    assert root.find(f"{NS}desc").get("id") == d_id
    rects = root.findall(f"{NS}rect")
    assert rects[0].find(f"{NS}title").text == "Namur & co: 10 h"
    assert rects[1].find(f"{NS}title").text == "Liège: — h"
    assert float(rects[1].get("width")) == 0


def test_line_chart_breaks_on_missing_values():
    svg = charts.line_chart(title="Weekly hours", desc="d", labels=["W1", "W2", "W3", "W4"],
                            series={"hours": [1, None, 3, 4]}, unit="h")
    lines = parse(svg).findall(f"{NS}polyline")
    assert [len(p.get("points").split()) for p in lines] == [1, 2]


def test_a_line_charts_legend_wraps_and_stays_in_the_picture():
    """Seven indicators' names (the wellbeing chart) ran off a 640 px picture on one
    line, 150 px apart whatever their length, each over the next."""
    names = ["Bien-être (WHO-5)", "Lien avec l'équipe", "Charge numérique maîtrisée",
             "Équilibre vie pro-vie privée", "Productivité perçue",
             "Télétravail sécurisé (autocontrôle)", "Nos journées d'équipe valent le trajet"]
    svg = charts.line_chart(title="t", desc="d", labels=["juin 2026", "juil. 2026"],
                            series={n: [50, 60] for n in names}, unit="/100")
    root = parse(svg)
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    texts = [t for t in root.findall(f"{NS}text") if "(/100)" in (t.text or "")]
    assert len(texts) == 7
    rows: dict[float, list[tuple[float, float]]] = {}
    for t in texts:
        x = float(t.get("x"))
        end = x + len(t.text) * charts.LEGEND_CHAR_W
        assert end <= width and float(t.get("y")) <= height, t.text
        rows.setdefault(float(t.get("y")), []).append((x, end))
    assert len(rows) > 1 and height > 240
    colours = [r.get("fill") for r in root.findall(f"{NS}rect")]
    assert len(set(colours)) == 7  # one colour per line
    for spans in rows.values():
        spans.sort()
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), spans
    last = next(t for t in root.findall(f"{NS}text") if t.text == "juil. 2026")
    assert last.get("text-anchor") == "end"


def test_heatmap_shades_by_value():
    svg = charts.attendance_heatmap([[0] * 24 for _ in range(6)] + [[1] + [None] * 23],
                                    title="When")
    rects = parse(svg).findall(f"{NS}rect")
    assert len(rects) == 7 * 24
    assert rects[0].get("fill") != rects[6 * 24].get("fill")
    assert rects[6 * 24 + 1].get("fill") == "#ddd"
    assert rects[6 * 24].find(f"{NS}title").text == "Sun 0: 1 h"


def test_report_cites_every_factor_with_source_and_year():
    m = CommuteInput(member_id=1, name="A", mode="car", home=(50.0, 4.0), office=(50.9, 4.0),
                     centre_id=1, centre_name="C", centre=(50.09, 4.0), centre_basis="nearest",
                     days_in_period=0)
    from dataclasses import asdict

    data = asdict(compute(members=[m], weeks_in_period=1, factors=load_emission_factors(),
                          days_per_week=1))
    data.update(scope={"name": "Acme"}, period={"first": "2025-01-01", "last": "2025-12-31"},
                privacy={"min_group": 5})
    html = report.commute_html(data)
    for f in load_emission_factors().values():
        assert f.source in html
    assert "0.2176 kg CO2e/passenger-km" in html and "2023" in html
    assert 'role="img"' in html


def test_system_check_reports_a_bad_factor_file(settings, tmp_path):
    import json

    from smartwork.insights import conf
    from smartwork.insights.checks import insights_data_files

    assert insights_data_files() == []
    raw = json.loads((conf.DATA_DIR / "emission_factors.json").read_text())
    raw["factors"][0]["value"] = -1
    bad = tmp_path / "f.json"
    bad.write_text(json.dumps(raw))
    settings.SMARTWORK = {**settings.SMARTWORK, "EMISSION_FACTORS_FILE": str(bad)}
    (error,) = insights_data_files()
    assert error.id == "insights.E001" and "negative" in error.msg
