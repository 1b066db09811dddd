"""The Document: what every source becomes and every backend stores.

The JSONL form is the public interchange format of DESIGN.md:
``{"id", "title", "text", "url", "date", "source", "region", "doc_type"}``;
only ``text`` is required. Anything else a loader learns (a gov.cn metadata
table, the page an attachment came from) goes into ``meta``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from govtext.errors import BadInput
from govtext.validation import check_date, check_text, clean_text

PUBLIC_FIELDS = ("id", "title", "text", "url", "date", "source", "region", "doc_type")
_ID_RE = re.compile(r"^[\w.:@\-]{1,200}$", re.UNICODE)


def stable_id(*parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return "doc-" + digest[:16]


@dataclass
class Document:
    text: str
    id: str = ""
    title: str = ""
    url: str = ""
    date: str = ""
    source: str = ""
    region: str = ""
    doc_type: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in PUBLIC_FIELDS:
            value = getattr(self, name)
            if value is None:
                setattr(self, name, "")
            elif not isinstance(value, str):
                setattr(self, name, str(value))
        # text read from files: a stray NUL or lone surrogate is cleaned, not fatal
        # (what callers send is validated strictly in from_dict)
        self.text, self.title = clean_text(self.text), clean_text(self.title)
        if not self.id:
            # A document without an id is named by where it came from, or by
            # its content when it came from nowhere in particular.
            self.id = stable_id(self.url) if self.url else stable_id(self.title, self.text)
        if not _ID_RE.match(self.id):
            raise BadInput(f"invalid document id {self.id[:60]!r}: use letters, digits and . _ : @ -")

    @property
    def content_hash(self) -> str:
        payload = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not data["meta"]:
            data.pop("meta")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        if not isinstance(data, dict):
            raise BadInput("a document must be a JSON object")
        text = data.get("text")
        if not isinstance(text, str):
            raise BadInput('a document needs a "text" string')
        check_text(text, "text")
        kwargs = {
            name: check_date(data.get(name)) if name == "date" else check_text(data.get(name), name, multiline=False)
            for name in PUBLIC_FIELDS
            if name != "text"
        }
        meta = data.get("meta") or {}
        if not isinstance(meta, dict):
            raise BadInput('field "meta" must be an object')
        check_text(json.dumps(meta, ensure_ascii=False), "meta")  # the lone surrogates JSON lets through
        return cls(text=text, meta=dict(meta), **kwargs)
