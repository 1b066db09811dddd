"""The labelled paragraphs of ``tests/data/theme_labels.jsonl``.

Each line references a real paragraph instead of copying it:
``{"source": "seed"|"laws"|"reports", "doc_id", "para_index", "text_prefix", "labels"}``.
``para_index`` counts the paragraphs of :func:`ingest.text.split_paragraphs`
(one per non-empty line). The texts live in the shared folder beside the
repository (``../shared/seeds/<doc_id>.txt`` and ``../shared/corpus/<source>.jsonl``),
or wherever ``GOVTEXT_SHARED`` points; ``text_prefix`` (the first 12
characters) checks that the reference still lands on the paragraph that was
labelled. Rows with ``"source": "github"`` (the eighth to eleventh sets) reference a page of a
public git repository instead and are resolved by :mod:`nlp.external_docs` (``sha1`` checked);
since session i16af the eighth and ninth adjudicated files train the served model, since i16ak the
tenth's too, since i16an the eleventh's (:data:`EXTERNAL_TRAINING_FILES`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from govtext.settings import REPO_ROOT, load_settings
from ingest.text import split_paragraphs

LABELS_FILE = REPO_ROOT / "tests" / "data" / "theme_labels.jsonl"
#: labels never trained or tuned on: scored by ``nlp.evaluate --split heldout``
HELDOUT_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout.jsonl"
#: the second held-out file (``--split heldout2``), from documents no other label file uses
HELDOUT2_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout2.jsonl"
#: the third held-out file (``--split heldout3``), from documents none of the files above uses
HELDOUT3_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout3.jsonl"
#: the fourth held-out file (``--split heldout4``), from documents none of the files above uses
HELDOUT4_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout4.jsonl"
#: the fifth held-out file (``--split heldout5``), from documents none of the files above uses
HELDOUT5_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout5.jsonl"
#: the sixth held-out file (``--split heldout6``), from documents none of the files above uses
HELDOUT6_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout6.jsonl"
#: a blind second reading of the sixth file's paragraphs (session i16r, ``nlp.second_reading``)
HELDOUT6_READER2_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout6_reader2.jsonl"
#: the two readings of the sixth file adjudicated (``nlp.adjudicate``; ``--split heldout6adj``)
HELDOUT6_ADJUDICATED_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout6_adjudicated.jsonl"
#: the seventh held-out file (``--split heldout7``, session i16u), from documents none of the files above uses
HELDOUT7_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout7.jsonl"
#: a blind second reading of the seventh file's paragraphs (session i16v, ``nlp.second_reading``)
HELDOUT7_READER2_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout7_reader2.jsonl"
#: the two readings of the seventh file adjudicated (``nlp.adjudicate``; ``--split heldout7adj``)
HELDOUT7_ADJUDICATED_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout7_adjudicated.jsonl"
#: the eighth held-out file (``--split heldout8``, session i16x): paragraphs of saved web pages of public
#: bodies in public git repositories, outside ``../shared``; rows reference (repo, commit, path,
#: para_index, sha1) and are read through :mod:`nlp.external_docs`. Not trained on (its adjudicated
#: labels are, since session i16af).
HELDOUT8_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout8.jsonl"
#: a blind second reading of the eighth file's paragraphs (session i16z, ``nlp.second_reading``)
HELDOUT8_READER2_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout8_reader2.jsonl"
#: the two readings of the eighth file adjudicated (``nlp.adjudicate``; ``--split heldout8adj``)
HELDOUT8_ADJUDICATED_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout8_adjudicated.jsonl"
#: the ninth held-out file (``--split heldout9``, session i16ab): paragraphs of saved web sites of public
#: bodies no other label file uses, read like the eighth (:mod:`nlp.draw_heldout9`). Not trained on (its
#: adjudicated labels are, since session i16af).
HELDOUT9_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout9.jsonl"
#: a blind second reading of the ninth file's paragraphs (session i16ac, ``nlp.second_reading``)
HELDOUT9_READER2_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout9_reader2.jsonl"
#: the two readings of the ninth file adjudicated (``nlp.adjudicate``; ``--split heldout9adj``)
HELDOUT9_ADJUDICATED_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout9_adjudicated.jsonl"
#: the tenth held-out file (``--split heldout10``, session i16ag): paragraphs of saved web sites that no
#: other theme-label file uses (none of the eighth's or ninth's repositories), read like the eighth
#: (:mod:`nlp.draw_heldout10`). Read twice per system (the fresh test of models trained with the eighth and
#: ninth), then its adjudicated labels train the served model (session i16ak); this file does not.
HELDOUT10_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout10.jsonl"
#: a blind second reading of the tenth file's paragraphs (session i16aj, ``nlp.second_reading``). Not trained on.
HELDOUT10_READER2_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout10_reader2.jsonl"
#: the two readings of the tenth file adjudicated (``nlp.adjudicate``; ``--split heldout10adj``). Trains the
#: served model since session i16ak.
HELDOUT10_ADJUDICATED_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout10_adjudicated.jsonl"
#: the eleventh held-out file (``--split heldout11``, session i16ai): paragraphs of saved public-body sites
#: that no other theme-label file uses (none of the eighth's, ninth's or tenth's repositories), read like
#: the eighth (:mod:`nlp.draw_heldout11`). Not trained on: with the tenth, the fresh test of models trained
#: with the eighth and ninth.
HELDOUT11_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout11.jsonl"
#: a blind second reading of the eleventh file's paragraphs (session i16am, ``nlp.second_reading``). Not trained on.
HELDOUT11_READER2_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout11_reader2.jsonl"
#: the two readings of the eleventh file adjudicated (``nlp.adjudicate``; ``--split heldout11adj``). Trains the
#: served model since session i16an (``nlp.external_eval --eleventh``); the first and second readings do not.
HELDOUT11_ADJUDICATED_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout11_adjudicated.jsonl"
#: the twelfth held-out file (``--split heldout12``, session i16al): paragraphs of saved public-body sites
#: that no other theme-label file uses (none of the eighth's to eleventh's repositories), read like the
#: eighth (:mod:`nlp.draw_heldout12`). Not trained on.
HELDOUT12_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout12.jsonl"
#: the thirteenth held-out file (``--split heldout13``, session i16ao): paragraphs of saved pages that no
#: other theme-label file, earlier draw or extraction page set uses, read like the eighth
#: (:mod:`nlp.draw_heldout13`). Not trained on.
HELDOUT13_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout13.jsonl"
#: the fourteenth held-out file (``--split heldout14``, session i16ap): paragraphs of saved pages whose path
#: has non-ASCII characters (which the eighth to twelfth draws' listing dropped), read like the eighth
#: (:mod:`nlp.draw_heldout14`). Not trained on.
HELDOUT14_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout14.jsonl"
#: a blind second reading of the fourteenth file's paragraphs (session i16aq, ``nlp.second_reading``). Not trained on.
HELDOUT14_READER2_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout14_reader2.jsonl"
#: the two readings of the fourteenth file adjudicated (``nlp.adjudicate``; ``--split heldout14adj``). Not trained
#: on: the fourteenth set is held out.
HELDOUT14_ADJUDICATED_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout14_adjudicated.jsonl"
#: the fifteenth held-out file (``--split heldout15``, session i16as): paragraphs of saved pages of repositories of
#: accounts no earlier draw or page set names (Party-building, community and charity sites and prototypes), read
#: like the eighth (:mod:`nlp.draw_heldout15`). Not trained on.
HELDOUT15_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout15.jsonl"
#: a blind second reading of the fifteenth file's paragraphs (session i16at, ``nlp.second_reading``). Not trained on.
HELDOUT15_READER2_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout15_reader2.jsonl"
#: the two readings of the fifteenth file adjudicated (``nlp.adjudicate``; ``--split heldout15adj``). Not trained
#: on: the fifteenth set is held out.
HELDOUT15_ADJUDICATED_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout15_adjudicated.jsonl"
#: the sixteenth held-out file (``--split heldout16``, session i16au): paragraphs of the saved pages of a repository of
#: an account no earlier draw or page set names (a school's site: report-, plan- and notice-titled pages), drawn
#: weighted towards the ``local_report`` and ``local_policy`` registers and read like the eighth
#: (:mod:`nlp.draw_heldout16`). Not trained on.
HELDOUT16_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout16.jsonl"
#: the seventeenth held-out file (``--split heldout17``, session i16aw): paragraphs of the saved pages of repositories
#: of accounts no earlier draw or page set names (a trade union's site, an agricultural service platform, a community
#: platform prototype; a second round of ``.jsp`` templates: a legal-adviser WeChat assistant, a community ledger
#: system, a grid platform), read like the eighth (:mod:`nlp.draw_heldout17`). Not trained on.
HELDOUT17_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout17.jsonl"
#: the eighteenth held-out file (``--split heldout18``, session i16ay): paragraphs of the pages of public bodies' sites
#: and services of accounts no earlier draw or page set names (a traffic-police site, a county poverty-alleviation site,
#: a medical-insurance bureau's and a 市民大厅's WeChat services, a culture bureau's templates, an administrative
#: service centre's online hall), read like the eighth (:mod:`nlp.draw_heldout18`). Not trained on.
HELDOUT18_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout18.jsonl"
#: a blind second reading of the eighteenth file's paragraphs (session i16az, ``nlp.second_reading``; not
#: adjudicated). Not trained on.
HELDOUT18_READER2_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout18_reader2.jsonl"
#: the nineteenth held-out file (``--split heldout19``, session i16ba): paragraphs of the pages of public bodies' and
#: governance services' sites of accounts no earlier draw or page set names (a village-democracy system, a police
#: 治安 unit's site, an emergency office's system, an elderly-care, an agricultural and a volunteer-service platform, a
#: student site on Guangxi; later rounds: a school's Party pages, a city police's WeChat service), read like the
#: eighth (:mod:`nlp.draw_heldout19`). Not trained on.
HELDOUT19_FILE = REPO_ROOT / "tests" / "data" / "theme_labels_heldout19.jsonl"
#: What the served model trained on until session i16af, all in ``../shared``. The first three held-out
#: files have been read often enough to be tuning data, and they are mostly law paragraphs, the register the
#: model knew least: trained on the first two too, the model scored the third held-out file
#: 0.62 -> 0.64 (combined macro-F1); adding the third (session i16i) took the second from
#: 0.719 to 0.756 (``nlp.evaluate`` trains without the file it scores). The fourth joined them
#: in session i16n, after its two reads: it is tuning data now; the fifth joined them in session
#: i16q, after its three reads (its errors were read to change the rules). The sixth (session
#: i16p) and the seventh (session i16u) were held out until their second readings; session i16w
#: read both adjudicated files' errors to write rules, so they are tuning data now and train the
#: model (the adjudicated labels; the reader-1 and reader-2 files of the same paragraphs do not).
SHARED_TRAINING_FILES = (
    LABELS_FILE,
    HELDOUT_FILE,
    HELDOUT2_FILE,
    HELDOUT3_FILE,
    HELDOUT4_FILE,
    HELDOUT5_FILE,
    HELDOUT6_ADJUDICATED_FILE,
    HELDOUT7_ADJUDICATED_FILE,
)
#: Label files whose paragraphs live outside ``../shared`` (saved web sites of public bodies, the news and
#: notice register no shared file has), read from their snapshots through :mod:`nlp.external_docs`. The
#: eighth and ninth sets, adjudicated, after two reads per system and their second readings (session
#: i16af; :mod:`nlp.external_eval` decided it on each file scored by a model trained with the other one):
#: training data since, no longer held out (``nlp.evaluate --split heldout8|heldout9`` trains without the
#: scored paragraphs). The tenth set, adjudicated, joined them in session i16ak after two reads per system
#: (``nlp.external_eval --tenth``: the eighth and ninth each scored without and with it training), the
#: eleventh's in session i16an after its reads by the earlier models (``nlp.external_eval --eleventh``).
#: Retraining the served model needs their snapshots (:func:`missing_snapshots`).
EXTERNAL_TRAINING_FILES = (
    HELDOUT8_ADJUDICATED_FILE,
    HELDOUT9_ADJUDICATED_FILE,
    HELDOUT10_ADJUDICATED_FILE,
    HELDOUT11_ADJUDICATED_FILE,
)
#: What the served model trains on (``nlp.train``), in this order (its meta records the names and digest).
TRAINING_FILES = SHARED_TRAINING_FILES + EXTERNAL_TRAINING_FILES


@dataclass(frozen=True)
class Example:
    source: str
    doc_id: str
    para_index: int
    text: str
    labels: tuple[str, ...]
    register: str = ""
    group: str = ""

    @property
    def key(self) -> str:
        return f"{self.source}:{self.doc_id}:{self.para_index}"


def shared_dir() -> Path:
    """The shared folder (``Settings.shared_dir``: ``GOVTEXT_SHARED``, default ``../shared``)."""
    return Path(load_settings().shared_dir)


REGISTERS = ("law", "provincial_report", "national_report", "congress_report", "fanwen")


def register_of(source: str, doc: dict) -> tuple[str, str]:
    """(register, group) of a shared document, from its metadata (never its text).

    The group is the unit held out together: the province of a provincial report
    or local regulation (全国 for national laws), the decade of a national or
    congress report, ``seed`` for the 范文 page."""
    if source == "seed":
        return "fanwen", "seed"
    if source == "laws":
        return "law", doc.get("region") or "全国"
    origin = doc.get("source") or ""
    year = (doc.get("date") or "")[:4]
    decade = f"{year[:3]}0s" if year.isdigit() else "undated"
    if "provincial" in origin:
        return "provincial_report", doc.get("region") or "?"
    if "congress" in origin:
        return "congress_report", decade
    return "national_report", decade


def labels_available(base: Path | None = None) -> bool:
    base = base or shared_dir()
    return LABELS_FILE.exists() and (base / "corpus").is_dir() and (base / "seeds").is_dir()


def read_label_rows(path: Path = LABELS_FILE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_examples(path: Path = LABELS_FILE, base: Path | None = None) -> list[Example]:
    """Labelled examples with their paragraph text resolved; raises if a reference is stale."""
    base = base or shared_dir()
    rows = read_label_rows(path)
    wanted: dict[str, set[str]] = {}
    external: dict[int, str] = {}  # row number -> text, for rows outside the shared folder
    if any(row["source"] == "github" for row in rows):
        from nlp.external_docs import resolve

        cache: dict = {}
        external = {i: resolve(row, cache) for i, row in enumerate(rows) if row["source"] == "github"}
    for row in rows:
        if row["source"] == "github":
            continue
        wanted.setdefault(row["source"], set()).add(row["doc_id"])
    texts: dict[tuple[str, str], list[str]] = {}
    meta: dict[tuple[str, str], tuple[str, str]] = {}
    for source, ids in wanted.items():
        if source == "seed":
            for doc_id in ids:
                text = (base / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")
                texts[(source, doc_id)] = split_paragraphs(text)
                meta[(source, doc_id)] = register_of(source, {"id": doc_id})
        else:
            with open(base / "corpus" / f"{source}.jsonl", encoding="utf-8") as fh:
                for line in fh:
                    head = line[:60]
                    if not any(doc_id in head for doc_id in ids):
                        continue
                    doc = json.loads(line)
                    if doc.get("id") in ids:
                        texts[(source, doc["id"])] = split_paragraphs(doc.get("text", ""))
                        meta[(source, doc["id"])] = register_of(source, doc)
    out = []
    for n, row in enumerate(rows):
        if n in external:
            out.append(
                Example(
                    row["source"],
                    row["doc_id"],
                    row["para_index"],
                    external[n],
                    tuple(row["labels"]),
                    row.get("register", ""),
                    row.get("group", ""),
                )
            )
            continue
        paras = texts.get((row["source"], row["doc_id"]))
        if paras is None or row["para_index"] >= len(paras):
            raise ValueError(f"label reference not found: {row}")
        text = paras[row["para_index"]]
        prefix = row.get("text_prefix")
        if prefix and not text.startswith(prefix):
            raise ValueError(f"label reference misaligned: {row} -> {text[:20]!r}")
        register, group = meta[(row["source"], row["doc_id"])]
        out.append(
            Example(row["source"], row["doc_id"], row["para_index"], text, tuple(row["labels"]), register, group)
        )
    return out


def load_training_examples() -> list[Example]:
    """The paragraphs of every file in :data:`TRAINING_FILES`, in that order."""
    return [e for path in TRAINING_FILES for e in load_examples(path)]


def missing_snapshots(paths=EXTERNAL_TRAINING_FILES) -> list[str]:
    """The repositories (``owner/name``) some row of ``paths`` references whose snapshot is not on this
    machine (:func:`nlp.external_docs.checkout_available`): without them those files cannot be read."""
    from nlp.external_docs import checkout_available

    repos = {row["repo"] for path in paths for row in read_label_rows(path) if row["source"] == "github"}
    return sorted(repo for repo in repos if not checkout_available(repo))
