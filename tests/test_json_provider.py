"""service/json_provider.py: orjson writes the JSON the standard library wrote."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import uuid

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup

from service.json_provider import OrjsonProvider


@dataclasses.dataclass
class Point:
    x: int
    label: str


VALUES = [
    {"query": "枫桥经验", "total": 3, "took_ms": 1.25, "hits": [{"score": 0.1234, "themes": ["fengqiao"]}]},
    {"z": 1, "a": {"y": [1, 2.5, None, True], "b": '引号"与\\反斜杠\n换行\u2028'}},
    {"facets": {"year": [{"value": 2026, "count": 5}, {"value": 0, "count": 1}]}, "small": 1e-05, "big": 1e300},
    {"when": dt.date(2026, 12, 2), "at": dt.datetime(2026, 12, 2, 13, 5, 7)},
    {"point": Point(3, "三"), "html": Markup("<b>粗</b>"), "dec": decimal.Decimal("1.50"), "id": uuid.UUID(int=7)},
    [],
    "",
]


def test_the_same_json_as_the_standard_library():
    app = Flask(__name__)
    standard, fast = DefaultJSONProvider(app), OrjsonProvider(app)
    standard.ensure_ascii = False
    for n, value in enumerate(VALUES):
        ours, theirs = fast.dumps(value), standard.dumps(value, separators=(",", ":"))
        assert json.loads(ours) == json.loads(theirs), value
        if n != 2:  # the same text too, but for how a float in exponent range is spelt (1e-05: 0.00001)
            assert ours == theirs


def test_the_app_answers_with_it(client):
    resp = client.get("/api/v1/search", query_string={"q": "枫桥经验", "limit": 2})
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    text = resp.get_data(as_text=True)
    assert "枫桥经验" in text and text.endswith("\n")  # UTF-8, not \\u escapes; a final newline as before
    assert isinstance(client.application.json, OrjsonProvider)
