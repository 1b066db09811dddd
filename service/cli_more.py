"""CLI commands built on the NLP, dedup and crawl stages: tag, check, boilerplate, crawl, retag."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from govtext.errors import BadInput, GovtextError
from govtext.validation import loads_json


def _jsonl_lines(path: str):
    """(line number, object or error message) for each non-empty line of a JSONL file or stdin."""
    stream = sys.stdin.buffer if path == "-" else None
    if stream is None:
        p = Path(path)
        if not p.is_file():
            raise GovtextError(f"{path}: no such file", code="not_found", status=404)
        stream = p.open("rb")
    with stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                data = loads_json(raw)  # depth-checked: no RecursionError
            except BadInput as exc:
                yield number, exc.message
                continue
            if not isinstance(data, dict):
                yield number, "line is not a JSON object"
                continue
            yield number, data


def _write(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def cmd_tag(args) -> int:
    from nlp.analyze import analyze
    from service.cli_io import _print_json, _read_input

    if args.jsonl:
        failed = 0
        for number, item in _jsonl_lines(args.jsonl):
            if isinstance(item, str):
                failed += 1
                _write({"line": number, "error": item})
                print(f"govtext: error: {args.jsonl}:{number}: {item}", file=sys.stderr)
                continue
            text = item.get("text")
            if not isinstance(text, str):
                failed += 1
                _write({"id": item.get("id"), "line": number, "error": 'needs a "text" string'})
                continue
            try:
                result = analyze(text, str(item.get("title") or ""))
            except BadInput as exc:
                failed += 1
                _write({"id": item.get("id"), "line": number, "error": exc.message})
                continue
            _write({"id": item.get("id"), **result})
        return 1 if failed else 0
    if not args.file:
        raise BadInput("give a FILE, - for standard input, or --jsonl FILE")
    text = _read_input(args.file)
    result = analyze(text, args.title or "")
    if args.json:
        _print_json(result)
        return 0
    dt = result.get("doc_type") or {}
    print(f"类型: {dt.get('name', '')} ({dt.get('id', '')})")
    for theme in result.get("themes", []):
        print(
            f"主题: {theme['name']} ({theme['id']}) {theme['score']:.2f}  依据: {'、'.join(map(str, theme.get('evidence', [])[:8]))}"
        )
    print("关键词: " + "、".join(k["word"] for k in result.get("keywords", [])[:15]))
    regions = result.get("entities", {}).get("regions", [])
    if regions:
        print("地区: " + "、".join(r.get("name", "") for r in regions[:10]))
    return 0


def cmd_check(args) -> int:
    from service.cli_io import _backend, _print_json, _read_input, _settings
    from service.report_view import enrich

    settings = _settings(args)
    options = {"exclude_boilerplate": args.exclude_boilerplate}
    if args.whitelist:
        wl = Path(args.whitelist)
        if not wl.is_file():
            raise BadInput(f"{args.whitelist}: no such whitelist file")
        options["whitelist"] = [ln.strip() for ln in wl.read_text(encoding="utf-8").splitlines() if ln.strip()]
    backend = _backend(args, writer=False)
    try:
        if args.jsonl:
            failed = 0
            checked: list[tuple[str, str]] = []
            for number, item in _jsonl_lines(args.jsonl):
                if isinstance(item, str) or not isinstance(item.get("text"), str):
                    failed += 1
                    _write(
                        {
                            "line": number,
                            "id": None if isinstance(item, str) else item.get("id"),
                            "error": item if isinstance(item, str) else 'needs a "text" string',
                        }
                    )
                    continue
                try:
                    report = backend.check(
                        item["text"],
                        quotes_as_citation=args.quotes_as_citation,
                        max_chars=settings.max_draft_chars,
                        **options,
                    )
                except GovtextError as exc:
                    failed += 1
                    _write({"line": number, "id": item.get("id"), "error": exc.message, "code": exc.code})
                    continue
                except Exception as exc:  # a bug must not leave the rest of the batch unchecked
                    failed += 1
                    _write(
                        {
                            "line": number,
                            "id": item.get("id"),
                            "code": "internal_error",
                            "error": f"internal error ({type(exc).__name__}: {exc})",
                        }
                    )
                    print(f"govtext: error: {args.jsonl}:{number}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    continue
                _write({"id": item.get("id"), **enrich(report, item["text"], backend)})
                checked.append((str(item["id"]) if item.get("id") is not None else f"line {number}", item["text"]))
            if args.cross and len(checked) >= 2:
                _write({"cross_check": _cross_check(checked, settings, args.quotes_as_citation, options)})
            return 1 if failed else 0
        if not args.file:
            raise BadInput("give a FILE, - for standard input, or --jsonl FILE")
        text = _read_input(args.file)
        report = backend.check(
            text, quotes_as_citation=args.quotes_as_citation, max_chars=settings.max_draft_chars, **options
        )
        report = enrich(report, text, backend)
    finally:
        backend.close()
    if args.html:
        from service.report_view import render_standalone

        Path(args.html).write_text(render_standalone(report, text), encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        _print_json(report)
        return 0
    rates = report.get("rates", {})
    print(
        f"重复率 {report['overlap_ratio']:.1%}  总复制比 {rates.get('total_ratio', 0):.1%}  "
        f"去除引用 {rates.get('excluding_quotation_ratio', 0):.1%}  去除套话 {rates.get('excluding_boilerplate_ratio', 0):.1%}  "
        f"复制 {rates.get('copy_ratio', 0):.1%}  （{len(report['matches'])} 处，"
        f"单篇最大 {report.get('largest_source_ratio', 0):.1%}）"
    )
    for match in report["matches"][:50]:
        source = match["sources"][0] if match["sources"] else {}
        print(
            f"  [{match['start']}:{match['end']}] {match.get('kind_zh', match['kind'])} {match.get('similarity', 0):.2f} "
            f"← {source.get('title') or source.get('doc_id', '')} 第 {source.get('paragraph_index', 0) + 1} 段"
            f"（{source.get('chars', 0)} 字）"
        )
        print(f"      {match['text'][:80]}")
    return 0


def _cross_check(checked: list[tuple[str, str]], settings, quotes_as_citation: bool, options: dict) -> dict:
    """横向查重 of the checked drafts (dedup/batch.py): the pairs that copy each other,
    or why the batch was too large to compare."""
    from dedup.batch import cross_check

    ids = [i for i, _ in checked]
    try:
        pairs = cross_check(
            [t for _, t in checked],
            max_chars=settings.max_draft_chars,
            quotes_as_citation=quotes_as_citation,
            **options,
        )
    except BadInput as exc:
        print(f"govtext: 横向查重 skipped: {exc.message}", file=sys.stderr)
        return {"drafts": ids, "skipped": exc.message, "code": exc.code}
    for p in pairs:
        p["a_id"], p["b_id"] = ids[p["a"]], ids[p["b"]]
    return {"drafts": ids, "pairs": pairs}


def cmd_boilerplate(args) -> int:
    from service.cli_io import _backend, _print_json

    from search.boilerplate import BoilerplateQuery, boilerplate_page

    if not 1 <= args.limit <= 500 or not 2 <= args.min_docs <= 100000:
        raise BadInput("--limit must be 1…500 and --min-docs 2…100000")
    bq = BoilerplateQuery(
        min_docs=args.min_docs,
        limit=args.limit,
        offset=args.offset,
        q=args.q.strip(),
        kind=args.kind,
        doc_type=args.doc_type.strip(),
        region=args.region.strip(),
        year=args.year,
        variants=args.variants,
    )
    backend = _backend(args, writer=False)
    try:
        page = boilerplate_page(backend, bq)
    finally:
        backend.close()
    if args.json:
        _print_json(page)
        return 0
    items = page["items"]
    for n, item in enumerate(items, start=bq.offset + 1):
        print(
            f"{n}. [{'通过、施行语' if item.get('kind') == 'legal_formula' else '常用表述'}] "
            f"{item['docs']} documents, {item['sites']} sites, {item['paragraphs']} paragraphs, "
            f"{item.get('variant_count', len(item['variants']))} variants"
        )
        print(f"   {item.get('text', '')[:120]}")
    return 0


def cmd_crawl(args) -> int:
    from ingest.crawl import crawl
    from pipeline import Ingestor
    from service.cli_io import _backend, _print_json, _settings

    settings = _settings(args)
    state_dir = Path(args.state) if args.state else Path(settings.data_dir) / "crawl"
    backend = _backend(args)
    # Batch of one: a document the crawler has handed on is stored before the next fetch,
    # so a killed crawl resumes without losing what it reported as handed on.
    ingestor = Ingestor(backend, settings.replace(ingest_batch=1))

    def progress(summary, url, outcome):
        if not args.quiet and not args.json:
            print(
                f"[{summary.fetched} fetched, {summary.documents} docs, {summary.failed} failed] {outcome}: {url}",
                file=sys.stderr,
            )

    strip_chrome = settings.strip_chrome if args.strip_chrome is None else args.strip_chrome
    try:
        if args.reextract:
            from ingest.crawl import reextract

            redone = reextract(
                state_dir, lambda d: ingestor.add(d, d.url), profile=args.profile, strip_chrome=strip_chrome
            )
        else:
            if not args.urls:
                raise BadInput("give one or more start URLs (or --reextract to re-run extraction on stored pages)")
            summary = crawl(
                args.urls,
                state_dir=state_dir,
                on_document=lambda d: ingestor.add(d, d.url),
                max_pages=args.max_pages,
                delay=args.delay,
                concurrency=args.concurrency,
                profile=args.profile,
                allow_offsite=args.allow_offsite,
                progress=progress,
                strip_chrome=strip_chrome,
            )
    finally:
        report = ingestor.close()
        backend.close()
    if args.reextract:
        from dataclasses import asdict

        if args.json:
            _print_json({"reextract": asdict(redone), "ingest": report.to_dict()})
        else:
            w = report.written
            print(
                f"re-extracted {redone.pages} stored pages: {redone.documents} documents, {redone.failed} failed; "
                f"store: {w.added} added, {w.updated} updated, {w.unchanged} unchanged"
            )
        return 0
    if args.json:
        _print_json({"crawl": summary.to_dict(), "ingest": report.to_dict()})
    else:
        print(summary.format())
        w = report.written
        print(f"store: {w.added} added, {w.updated} updated, {w.unchanged} unchanged")
    for problem in report.problems:
        print(f"govtext: error: {problem}", file=sys.stderr)
    return 0


def cmd_retag(args) -> int:
    """Re-run tagging over the stored documents (after editing index_config/themes.json)."""
    from tqdm import tqdm

    from nlp.analyze import analyze
    from service.cli_io import _backend

    backend = _backend(args)
    try:
        total = backend.stats()["documents"]
        updates = []
        count = 0
        with tqdm(total=total, unit="doc", desc="retag", file=sys.stderr, disable=args.quiet) as bar:
            for doc in backend.iter_documents():
                updates.append((doc["id"], analyze(doc["text"], doc["title"])))
                if len(updates) >= 200:
                    count += backend.set_analysis(updates)
                    updates = []
                bar.update(1)
            count += backend.set_analysis(updates)
    finally:
        backend.close()
    print(f"retagged {count} documents")
    return 0


def register(sub) -> None:
    p = sub.add_parser("tag", help="themes, keywords, entities, document type of a text (no store needed)")
    p.add_argument("file", nargs="?", metavar="FILE|-")
    p.add_argument("--title", default="")
    p.add_argument("--jsonl", metavar="FILE", help='tag many texts: one {"id", "text"} per line in and out')
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser("retag", help="re-run tagging over the stored documents")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_retag)

    p = sub.add_parser("check", help="duplicate check (查重) of a draft")
    p.add_argument("file", nargs="?", metavar="FILE|-")
    p.add_argument(
        "--jsonl",
        metavar="FILE",
        help='check many drafts: one {"id", "text"} per line in and out',
    )
    p.add_argument(
        "--cross",
        action="store_true",
        help='with --jsonl: 横向查重, one more line {"cross_check": …} with the pairs of drafts that copy each other',
    )
    p.add_argument("--html", metavar="OUT", help="also write the report as an HTML page")
    p.add_argument("--quotes-as-citation", action="store_true", help="引用 (quotations) do not count in overlap_ratio")
    p.add_argument(
        "--exclude-boilerplate", action="store_true", help="套话 (standard wording) does not count in overlap_ratio"
    )
    p.add_argument("--whitelist", metavar="FILE", help="extra 套话 phrases, one a line (added to index_config's list)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("boilerplate", help="paragraphs recurring across documents")
    p.add_argument("--min-docs", type=int, default=3)
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0, help="items to skip (pagination)")
    p.add_argument("--q", default="", metavar="TEXT", help="only clusters with a variant containing TEXT")
    p.add_argument(
        "--kind",
        default="",
        choices=("", "legal_formula", "report_formula"),
        help="legal_formula: adoption/enactment lines of laws; report_formula: the rest",
    )
    p.add_argument("--doc-type", default="", help="count only documents of this type")
    p.add_argument("--region", default="", help="count only documents of this province")
    p.add_argument("--year", type=int, default=None, help="count only documents of this year")
    p.add_argument("--variants", type=int, default=1000, help="variants per cluster in --json (default: all)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_boilerplate)

    p = sub.add_parser("crawl", help="crawl sites from start URLs (robots.txt honoured, resumable)")
    p.add_argument("urls", nargs="*", metavar="URL")
    p.add_argument("--max-pages", type=int, default=100)
    p.add_argument("--delay", type=float, default=1.0, help="seconds between requests to one host")
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--profile", help="site profile (gov_cn, provincial, fanwen, generic)")
    p.add_argument("--state", help="crawl state folder (default: DATA/crawl)")
    p.add_argument("--allow-offsite", action="store_true")
    p.add_argument(
        "--reextract", action="store_true", help="run extraction again over the pages kept in --state (no network)"
    )
    p.add_argument(
        "--strip-chrome",
        dest="strip_chrome",
        action="store_true",
        default=None,
        help="blocks repeated across a site's pages are boilerplate (default: GOVTEXT_STRIP_CHROME)",
    )
    p.add_argument(
        "--keep-chrome",
        dest="strip_chrome",
        action="store_false",
        help="do not strip blocks repeated across a site's pages",
    )
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_crawl)
