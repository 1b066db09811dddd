"""The query language, parsed into a small AST that each backend compiles.

    枫桥经验 调解                 both words (two words or fewer: all required)
    流动人口 居住证 子女 入学     ranked matching: most of the words required
                                  (all but one for 3-5 words, 3 in 4 above),
                                  documents with more of them rank higher
    A AND B   A 与 B   +A B       strict: every word marked so is required
    网格 OR 网格化   网格 或 网格化    either
    NOT 电网   -电网   非 电网    exclude
    title:实施方案                field search (title:, text:)
    (雪亮工程 OR 天网) 农村       grouping (at most MAX_DEPTH levels)

Operators are recognised in any case (and/or/not) and in Chinese (与/或/非).
Words are segmented with the same jieba tokenizer as the index, so a word
the user types may become several tokens (all required, in order preferred).
Synonym groups from ``index_config/synonyms.txt`` widen a word to an OR
(weighted below the word itself by the backends).
Errors are :class:`QuerySyntaxError` with a message in Chinese naming the
position and what to do.
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
_OPS = {
    "AND": "AND",
    "OR": "OR",
    "NOT": "NOT",
    "&&": "AND",
    "||": "OR",
    "并且": "AND",
    "与": "AND",
    "且": "AND",
    "或": "OR",
    "或者": "OR",
    "非": "NOT",
}
MAX_DEPTH = 32


def _op(word: str) -> str | None:
    return _OPS.get(word.upper() if word.isascii() else word)


def minimum_should(n: int) -> int:
    """How many of ``n`` plain words a document needs: all of two or fewer, all but one of
    three to five, three in four above."""
    if n <= 2:
        return n
    if n <= 5:
        return n - 1
    return -(-3 * n // 4)


@dataclass(frozen=True)
class Term:
    text: str
    tokens: tuple[str, ...]
    field: str | None = None  # None: title and body
    synonyms: tuple[tuple[str, ...], ...] = ()
    #: the synonyms as written in synonyms.txt (for highlighting whole phrases)
    synonym_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Phrase:
    text: str
    tokens: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class And:
    items: tuple
    #: plain words side by side (no AND/+): all required, but a short page may be filled
    ranked: bool = False


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass(frozen=True)
class Match:
    """Plain words side by side: ``required`` (+word, or all when few), at least
    ``minimum`` of ``optional``, none of ``excluded``; more matches rank higher."""

    required: tuple
    optional: tuple
    excluded: tuple = ()
    minimum: int = 0


@dataclass
class ParsedQuery:
    raw: str
    root: object
    #: every positive word and phrase, for highlighting
    highlight_terms: list[str] = field(default_factory=list)
    #: the root with every plain word required (what ranked matching relaxed), or None
    strict: object = None


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
        self.depth = 0

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
                    raise QuerySyntaxError(f'第 {start + 1} 个字符处的引号没有闭合：请在短语末尾补上配对的引号 "。')
                out.append(("phrase", raw[m.end() : end], start))
                i = end + 1
                continue
            else:
                word = m.group("word")
                op = _op(word)
                out.append((op, word, start) if op else ("word", word, start))
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
            raise QuerySyntaxError("检索式为空：请输入一个或多个检索词。")
        node = self.parse_or()
        if self.peek() is not None:
            kind, text, at = self.peek()
            if kind == ")":
                raise QuerySyntaxError(f"第 {at + 1} 个字符处的“)”没有对应的“(”：请删去它或补上“(”。")
            raise QuerySyntaxError(f"第 {at + 1} 个字符处的 {text!r} 无法理解：请检查括号和运算符。")
        return node

    def parse_or(self):
        items = [self.parse_and()]
        while self.peek() and self.peek()[0] == "OR":
            _, text, at = self.take()
            if self.peek() is None or self.peek()[0] in ("OR", "AND", ")"):
                raise QuerySyntaxError(f"第 {at + 1} 个字符处的 {text} 后面缺少检索词：例如 网格 {text} 网格化。")
            items.append(self.parse_and())
        items = [i for i in items if i is not None]
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self):
        items: list[tuple[str, object]] = []  # (role, node): role in required/optional/excluded
        explicit = False
        while True:
            tok = self.peek()
            if tok is None or tok[0] in ("OR", ")"):
                break
            if tok[0] == "AND":
                _, text, at = self.take()
                if not items or self.peek() is None or self.peek()[0] in ("OR", "AND", ")"):
                    raise QuerySyntaxError(f"第 {at + 1} 个字符处的 {text} 两边都需要检索词：例如 信访 {text} 调解。")
                explicit = True
                continue
            if tok[0] == "word" and tok[1].startswith("+") and len(tok[1]) > 1:
                self.take()
                node = self._word(tok[1][1:], tok[2] + 1)
                items.append(("required", node))
                continue
            node = self.parse_unary()
            items.append(("excluded" if isinstance(node, Not) else "optional", node))
        items = [(r, n) for r, n in items if n is not None]
        if not items:
            return None
        if len(items) == 1:
            return items[0][1]
        positives = [n for r, n in items if r != "excluded"]
        optional = [n for r, n in items if r == "optional"]
        if explicit or not optional or len(positives) <= 2:
            plain = not explicit and len(optional) == len(positives) >= 2
            return And(tuple(n for _, n in items), ranked=plain)
        required = [n for r, n in items if r == "required"]
        minimum = min(len(optional), max(1, minimum_should(len(positives)) - len(required)))
        return Match(
            tuple(required),
            tuple(optional),
            tuple(n.item for r, n in items if r == "excluded" and isinstance(n, Not)),
            minimum,
        )

    def parse_unary(self):
        tok = self.peek()
        if tok[0] == "NOT":
            self.take()
            if self.peek() is None or self.peek()[0] in ("OR", "AND", ")"):
                raise QuerySyntaxError(
                    f"第 {tok[2] + 1} 个字符处的 {tok[1]} 后面缺少要排除的词：例如 调解 {tok[1]} 劳动。"
                )
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
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QuerySyntaxError(f"括号嵌套太深（第 {at + 1} 个字符处已超过 {MAX_DEPTH} 层）：请简化检索式。")
            node = self.parse_or()
            closing = self.take()
            if closing is None or closing[0] != ")":
                raise QuerySyntaxError(f"第 {at + 1} 个字符处的“(”没有闭合：请补上“)”。")
            self.depth -= 1
            return node
        if kind == ")":
            raise QuerySyntaxError(f"第 {at + 1} 个字符处的“)”没有对应的“(”：请删去它或补上“(”。")
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
                raise QuerySyntaxError(
                    f"第 {at + 1} 个字符处的 {m.group(1)}: 后面缺少检索词或“短语”：例如 {m.group(1)}:实施方案。"
                )
        tokens = tuple(index_tokens(word))
        if not tokens:
            return None
        texts = tuple(s for s in self.synonyms.get(word, ()) if s != word)
        pairs = [(t, tuple(index_tokens(t))) for t in texts]
        pairs = [(t, toks) for t, toks in pairs if toks]
        return Term(word, tokens, field, tuple(toks for _, toks in pairs), tuple(t for t, _ in pairs))


def parse_query(raw: str, config_dir: Path | None = None, max_chars: int = 500) -> ParsedQuery:
    if raw is None or not raw.strip():
        raise QuerySyntaxError("检索式为空：请输入一个或多个检索词。")
    if len(raw) > max_chars:
        raise QuerySyntaxError(f"检索式太长（{len(raw)} 个字符，上限 {max_chars}）：请删减检索词。")
    if "\x00" in raw:
        raise QuerySyntaxError("检索式含有空字符（NUL）：请删去它。")
    synonyms = _synonyms_for(str(config_dir)) if config_dir else {}
    root = _Parser(raw, synonyms).parse()
    if root is None:
        raise QuerySyntaxError("检索式里没有可检索的词（只有标点或停用词？）：请输入实词。")
    if _only_negative(root):
        raise QuerySyntaxError("检索式只排除了词语：请至少加上一个要查找的词。")
    terms: list[str] = []
    _collect(root, terms, positive=True)
    return ParsedQuery(raw, root, list(dict.fromkeys(terms)))


def relax(node):
    """A looser query when ``node`` finds nothing, or None: an all-required group of words
    becomes "any of them" (ranked by how many match). One word is never split up."""
    if isinstance(node, And):
        positives = tuple(i for i in node.items if not isinstance(i, Not))
        negatives = tuple(i.item for i in node.items if isinstance(i, Not))
        if len(positives) > 1:
            return Match((), positives, negatives, 1)
        return None
    if isinstance(node, Match):
        if node.required or node.minimum > 1:
            return Match((), node.required + node.optional, node.excluded, 1)
        return None
    return None


def widen(node):
    """Ranked matching that fills a short page: the same words, any one of them enough
    (+words still required; two plain words: either), or None when ``node`` is no such group."""
    if isinstance(node, Match) and node.minimum > 1:
        return Match(node.required, node.optional, node.excluded, 1)
    if isinstance(node, And) and node.ranked:  # two plain words: both required, then either
        positives = tuple(i for i in node.items if not isinstance(i, Not))
        return Match((), positives, tuple(i.item for i in node.items if isinstance(i, Not)), 1)
    return None


def positive_words(node) -> list:
    """The Term and Phrase nodes a document can match (not under NOT), in query order."""
    out: list = []
    if isinstance(node, (Term, Phrase)):
        out.append(node)
    elif isinstance(node, (And, Or)):
        for item in node.items:
            out.extend(positive_words(item))
    elif isinstance(node, Match):
        for item in node.required + node.optional:
            out.extend(positive_words(item))
    return out


def _only_negative(node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(i) for i in node.items)
    if isinstance(node, Or):
        return any(_only_negative(i) for i in node.items)
    return False


def _collect(node, out: list[str], positive: bool) -> None:
    """Highlight terms: each word as typed and its synonyms as written (whole), and the
    word's tokens of two or more characters (a lone character is never highlighted)."""
    if isinstance(node, Term):
        if positive:
            out.append(node.text)
            out.extend(t for t in node.tokens if len(t) > 1)
            out.extend(node.synonym_texts)
    elif isinstance(node, Phrase):
        if positive:
            out.append(node.text.strip())
            out.extend(t for t in node.tokens if len(t) > 1)
    elif isinstance(node, (And, Or)):
        for item in node.items:
            _collect(item, out, positive)
    elif isinstance(node, Match):
        for item in node.required + node.optional:
            _collect(item, out, positive)
        for item in node.excluded:
            _collect(item, out, not positive)
    elif isinstance(node, Not):
        _collect(node.item, out, not positive)
