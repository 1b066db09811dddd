"""The query language, parsed into a small AST that each backend compiles.

    枫桥经验 调解                 both words (AND is the default)
    "矛盾纠纷 多元化解"           exact phrase
    网格 OR 网格化                either
    NOT 电网   -电网              exclude
    title:实施方案                field search (title:, text:)
    (雪亮工程 OR 天网) 农村       grouping

Words are segmented with the same jieba tokenizer as the index, so a word
the user types may become several tokens (all required, in order preferred).
Synonym groups from ``index_config/synonyms.txt`` widen a word to an OR.
Errors are :class:`QuerySyntaxError` with a message a person can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from govtext.errors import QuerySyntaxError
from nlp.segment import index_tokens

FIELDS = {"title": "title", "text": "body", "body": "body", "标题": "title", "正文": "body"}
_TOKEN = re.compile(r'\s*(?:(?P<lp>[(（])|(?P<rp>[)）])|(?P<quote>["“”])|(?P<word>[^\s()（）"“”]+))')
_OPS = {"AND": "AND", "OR": "OR", "NOT": "NOT", "&&": "AND", "||": "OR", "并且": "AND", "或": "OR", "或者": "OR", "非": "NOT"}


@dataclass(frozen=True)
class Term:
    text: str
    tokens: tuple[str, ...]
    field: str | None = None  # None: title and body
    synonyms: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Phrase:
    text: str
    tokens: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass
class ParsedQuery:
    raw: str
    root: object
    #: every positive word and phrase, for highlighting
    highlight_terms: list[str] = field(default_factory=list)


def load_synonyms(path: Path) -> dict[str, tuple[str, ...]]:
    groups: dict[str, tuple[str, ...]] = {}
    if not path.exists():
        return groups
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = tuple(w.strip() for w in re.split(r"[,，]", line) if w.strip())
        for word in words:
            groups.setdefault(word, words)
    return groups


@lru_cache(maxsize=4)
def _synonyms_for(config_dir: str) -> dict[str, tuple[str, ...]]:
    return load_synonyms(Path(config_dir) / "synonyms.txt")


class _Parser:
    def __init__(self, raw: str, synonyms: dict[str, tuple[str, ...]]):
        self.raw = raw
        self.synonyms = synonyms
        self.tokens = self._lex(raw)
        self.pos = 0

    def _lex(self, raw: str) -> list[tuple[str, str, int]]:
        out = []
        i = 0
        while i < len(raw):
            m = _TOKEN.match(raw, i)
            if not m or m.end() == i:
                break
            start = m.start(m.lastgroup) if m.lastgroup else i
            if m.group("lp"):
                out.append(("(", "(", start))
            elif m.group("rp"):
                out.append((")", ")", start))
            elif m.group("quote"):
                end = raw.find('"', m.end()) if m.group("quote") == '"' else -1
                if m.group("quote") in "“”":
                    end = min([j for j in (raw.find("”", m.end()), raw.find('"', m.end())) if j >= 0], default=-1)
                if end < 0:
                    raise QuerySyntaxError(f"unclosed quotation mark at position {start + 1}: "
                                           f"close the phrase with a matching \"")
                out.append(("phrase", raw[m.end():end], start))
                i = end + 1
                continue
            else:
                word = m.group("word")
                if word in _OPS:
                    out.append((_OPS[word], word, start))
                else:
                    out.append(("word", word, start))
            i = m.end()
        return out

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self):
        tok = self.peek()
        self.pos += 1
        return tok

    def parse(self):
        if not self.tokens:
            raise QuerySyntaxError("the query is empty: type one or more words")
        node = self.parse_or()
        if self.peek() is not None:
            kind, text, at = self.peek()
            raise QuerySyntaxError(f"unexpected {text!r} at position {at + 1}"
                                   + ("; a ')' has no matching '('" if kind == ")" else ""))
        return node

    def parse_or(self):
        items = [self.parse_and()]
        while self.peek() and self.peek()[0] == "OR":
            _, text, at = self.take()
            if self.peek() is None or self.peek()[0] in ("OR", "AND", ")"):
                raise QuerySyntaxError(f"{text} at position {at + 1} needs a word after it")
            items.append(self.parse_and())
        items = [i for i in items if i is not None]
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self):
        items = []
        while True:
            tok = self.peek()
            if tok is None or tok[0] in ("OR", ")"):
                break
            if tok[0] == "AND":
                _, text, at = self.take()
                if not items or self.peek() is None or self.peek()[0] in ("OR", "AND", ")"):
                    raise QuerySyntaxError(f"{text} at position {at + 1} needs a word on both sides")
                continue
            items.append(self.parse_unary())
        items = [i for i in items if i is not None]
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self):
        tok = self.peek()
        if tok[0] == "NOT":
            self.take()
            if self.peek() is None or self.peek()[0] in ("OR", "AND", ")"):
                raise QuerySyntaxError(f"NOT at position {tok[2] + 1} needs a word after it")
            inner = self.parse_unary()
            return Not(inner) if inner is not None else None
        if tok[0] == "word" and tok[1].startswith("-") and len(tok[1]) > 1:
            self.take()
            inner = self._word(tok[1][1:], tok[2] + 1)
            return Not(inner) if inner is not None else None
        return self.parse_primary()

    def parse_primary(self):
        kind, text, at = self.take()
        if kind == "(":
            node = self.parse_or()
            closing = self.take()
            if closing is None or closing[0] != ")":
                raise QuerySyntaxError(f"the '(' at position {at + 1} is never closed")
            return node
        if kind == ")":
            raise QuerySyntaxError(f"a ')' at position {at + 1} has no matching '('")
        if kind == "phrase":
            return self._phrase(text, None)
        return self._word(text, at)

    def _phrase(self, text: str, field: str | None):
        tokens = tuple(index_tokens(text))
        return Phrase(text, tokens, field) if tokens else None

    def _word(self, word: str, at: int):
        field = None
        m = re.match(r"^([A-Za-z_\u4e00-\u9fff]+)[:：](.*)$", word)
        if m and m.group(1).lower() in FIELDS:
            field = FIELDS[m.group(1).lower()]
            word = m.group(2)
            if not word:
                nxt = self.peek()
                if nxt and nxt[0] == "phrase":
                    self.take()
                    return self._phrase(nxt[1], field)
                raise QuerySyntaxError(f"{m.group(1)}: at position {at + 1} needs a word or \"phrase\" after it")
        tokens = tuple(index_tokens(word))
        if not tokens:
            return None
        synonyms = tuple(tuple(index_tokens(s)) for s in self.synonyms.get(word, ()) if s != word)
        return Term(word, tokens, field, tuple(s for s in synonyms if s))


def parse_query(raw: str, config_dir: Path | None = None, max_chars: int = 500) -> ParsedQuery:
    if raw is None or not raw.strip():
        raise QuerySyntaxError("the query is empty: type one or more words")
    if len(raw) > max_chars:
        raise QuerySyntaxError(f"the query is too long ({len(raw)} characters; the limit is {max_chars})")
    if "\x00" in raw:
        raise QuerySyntaxError("the query contains a NUL character")
    synonyms = _synonyms_for(str(config_dir)) if config_dir else {}
    root = _Parser(raw, synonyms).parse()
    if root is None:
        raise QuerySyntaxError("the query has no searchable words (only punctuation or stopwords?)")
    if _only_negative(root):
        raise QuerySyntaxError("the query only excludes words: add at least one word to search for")
    terms: list[str] = []
    _collect(root, terms, positive=True)
    return ParsedQuery(raw, root, list(dict.fromkeys(terms)))


def _only_negative(node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(i) for i in node.items)
    if isinstance(node, Or):
        return any(_only_negative(i) for i in node.items)
    return False


def _collect(node, out: list[str], positive: bool) -> None:
    if isinstance(node, Term):
        if positive:
            out.extend(node.tokens)
            for syn in node.synonyms:
                out.extend(syn)
    elif isinstance(node, Phrase):
        if positive:
            out.append(node.text.strip())
            out.extend(node.tokens)
    elif isinstance(node, (And, Or)):
        for item in node.items:
            _collect(item, out, positive)
    elif isinstance(node, Not):
        _collect(node.item, out, not positive)
