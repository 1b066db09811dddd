"""One way to validate what callers send, for every input path (HTTP API, web UI, CLI, JSONL).

Each function returns the value it accepts or raises ``BadInput`` with a
message that says what was wrong and where, so a bad request is a 400 with
the documented JSON problem, never a 500, and the CLI prints the same words.

- text: a ``str`` of valid Unicode. Lone surrogates (``"\\ud800"`` is legal
  JSON but not text) and NUL are refused everywhere; other C0 control
  characters are refused in one-line fields (titles, ids, dates) and allowed
  in multi-line text only as tab, newline, carriage return, form feed and
  vertical tab.
- JSON: nesting deeper than ``MAX_JSON_DEPTH`` is refused *before* parsing
  (Python's parser recurses, so 100,000 ``[`` would otherwise raise
  ``RecursionError``), even inside a key the server would ignore.
- integers in query strings: ASCII digits only (``int()`` also takes ``１０``
  and ``1_0``), and an empty value is an error, not the default.
- dates: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, optionally with an ISO time.
"""

from __future__ import annotations

import json
import re

from govtext.errors import BadInput

#: deepest JSON nesting accepted (objects and arrays); real requests use 3
MAX_JSON_DEPTH = 64

_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_CONTROLS = re.compile("[\x00-\x1f\x7f]")
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_ASCII_INT = re.compile(r"-?[0-9]{1,12}")
_DATE = re.compile(
    r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2})"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?)?)?"
)
# JSON strings (with their escapes) removed before counting brackets
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def _where(value: str, match: re.Match) -> str:
    return f"U+{ord(match.group()):04X} at character {match.start()}"


def check_text(value, name: str, *, multiline: bool = True, required: bool = False) -> str:
    """``value`` if it is acceptable text for the field ``name``; BadInput otherwise.

    ``None`` is the empty string unless ``required``."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BadInput(f'"{name}" must be a string, not {_json_type(value)}', code="bad_type")
    if required and not value.strip():
        raise BadInput(f'"{name}" is empty', code=f"empty_{name}" if name in ("text", "q") else "bad_input")
    bad = _SURROGATE.search(value)
    if bad:
        raise BadInput(f'"{name}" is not valid Unicode: a lone surrogate {_where(value, bad)}', code="bad_text")
    bad = (_TEXT_CONTROLS if multiline else _LINE_CONTROLS).search(value)
    if bad:
        raise BadInput(f'"{name}" holds a control character, {_where(value, bad)}', code="bad_text")
    return value


def clean_text(value: str) -> str:
    """``value`` with lone surrogates replaced by U+FFFD and NUL removed (for text read from files,
    where refusing a whole document for one stray byte would lose it)."""
    if _SURROGATE.search(value):
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value.replace("\x00", "")


def _json_type(value) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "an array",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def json_depth(raw: bytes) -> int:
    """The deepest nesting of objects and arrays in a JSON document (strings skipped), in linear time."""
    import numpy as np

    skeleton = _JSON_STRING.sub(b'""', raw)
    codes = np.frombuffer(skeleton, dtype=np.uint8)
    steps = np.zeros(len(codes), dtype=np.int32)
    steps[(codes == ord("[")) | (codes == ord("{"))] = 1
    steps[(codes == ord("]")) | (codes == ord("}"))] = -1
    return int(np.cumsum(steps).max()) if len(steps) else 0


def loads_json(raw: bytes | str, *, max_depth: int = MAX_JSON_DEPTH):
    """Parse a JSON document, refusing one nested deeper than ``max_depth``; BadInput if broken."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
    depth = json_depth(data)
    if depth > max_depth:
        raise BadInput(f"JSON nested {depth} levels deep; the limit is {max_depth}", code="json_too_deep")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BadInput("the JSON is not valid UTF-8", code="bad_json") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"broken JSON ({exc.msg} at line {exc.lineno} column {exc.colno})", code="bad_json") from None
    except RecursionError:  # the depth check above should make this unreachable
        raise BadInput(f"JSON nested too deep; the limit is {max_depth}", code="json_too_deep") from None


def parse_int(raw: str, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer written in ASCII digits, within [minimum, maximum]."""
    if raw == "":
        raise BadInput(f"{name} is empty; give an integer or leave the parameter out", code="bad_parameter")
    if not _ASCII_INT.fullmatch(raw):
        raise BadInput(f"{name} must be an integer in ASCII digits, got {raw[:40]!r}", code="bad_parameter")
    value = int(raw)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise BadInput(f"{name} must be between {minimum} and {maximum}, got {value}", code="bad_parameter")
    return value


def check_date(value: object, name: str = "date") -> str:
    """``value`` if it is empty or an ISO date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, optional time)."""
    value = check_text(value, name, multiline=False).strip()
    if not value:
        return ""
    m = _DATE.fullmatch(value)
    ok = m is not None and 1000 <= int(m["y"]) <= 2999
    if ok and m and m["m"]:
        ok = 1 <= int(m["m"]) <= 12
    if ok and m and m["d"]:
        ok = 1 <= int(m["d"]) <= 31
    if not ok:
        raise BadInput(f'"{name}" must be a date as YYYY, YYYY-MM or YYYY-MM-DD, got {value[:40]!r}', code="bad_date")
    return value
