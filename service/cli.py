"""The ``govtext`` command: a thin layer over the library.

Every command that prints results has ``--json``. Errors are one line on
stderr (``govtext: error: …``) and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from govtext.errors import GovtextError
from govtext.settings import Settings


from service.cli_io import _backend, _print_json, _read_input, _settings, path_suffix  # noqa: F401  (used by commands)


# -- commands -------------------------------------------------------------------


def cmd_ingest(args) -> int:
    from pipeline import ingest_paths

    settings = _settings(args)
    if args.keep_chrome:
        settings = settings.replace(strip_given_chrome=False)
    backend = _backend(args)
    from govtext.batchwork import settle

    settle()  # a batch job: fewer garbage collections (govtext/batchwork.py)
    try:
        report = ingest_paths(args.paths, backend, settings, progress=not args.quiet and not args.json)
        if report.written.added or report.written.updated:
            refresh_idf(backend, settings, quiet=args.quiet or args.json)
    finally:
        backend.close()
    if args.json:
        _print_json(report.to_dict())
    else:
        w = report.written
        print(
            f"{report.files} files, {report.documents} documents ({report.characters:,} characters): "
            f"{w.added} added, {w.updated} updated, {w.unchanged} unchanged in {report.seconds:.1f} s"
        )
        if report.chrome_lines:
            print(
                f"{report.chrome_lines} toolbar/breadcrumb lines removed from the ends of {report.chrome_documents} "
                f"documents (kept in meta.chrome_removed; --keep-chrome keeps them in the text)"
            )
    for problem in report.problems:
        print(f"govtext: error: {problem}", file=sys.stderr)
    return 1 if report.problems else 0


def refresh_idf(backend, settings: Settings, quiet: bool = False) -> None:
    """Learn keyword IDF from the stored corpus when it is missing or the corpus grew by a fifth."""
    from nlp.idf_terms import corpus_terms
    from nlp.keywords import IdfTable

    path = Path(settings.data_dir) / "idf.json"
    documents = backend.stats()["documents"]
    try:
        built_for = json.loads(path.read_text(encoding="utf-8")).get("n_docs", 0)
    except (OSError, ValueError, AttributeError):
        built_for = 0
    if built_for and documents < built_for * 1.2:
        return
    if not quiet:
        print(f"learning keyword IDF from {documents} documents …", file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)  # an engine backend never made the data folder
    # the term sets ingest kept (nlp/idf_terms.py); texts without one are tokenized as before,
    # and the sets of texts no longer stored are dropped after the pass
    iter_texts = getattr(backend, "iter_texts", None)  # the embedded store reads the texts alone
    texts = iter_texts() if iter_texts is not None else (d["text"] for d in backend.iter_documents())
    table = IdfTable.build(corpus_terms(texts, path.parent, prune=True))
    table.save(path, min_df=2)


def cmd_search(args) -> int:
    from search.request import from_mapping

    req = from_mapping(
        {
            "q": args.query,
            "theme": args.theme or [],
            "region": args.region,
            "city": args.city,
            "year": args.year,
            "type": args.type,
            "site": args.site,
            "status": args.status or [],
            "sort": args.sort,
            "limit": args.limit,
            "offset": args.offset,
            "collapse": not args.no_collapse,
            "facets": args.json,
        }
    )
    backend = _backend(args, writer=False)
    try:
        response = backend.search(req)
    finally:
        backend.close()
    if args.json:
        _print_json(response.to_dict())
        return 0
    import re

    if response.notice:
        print(response.notice)
    print(f"{response.total} matching documents ({response.took_ms:.1f} ms)")
    for s in response.suggestions:
        print(f"  建议: {s['text']}")
    for n, hit in enumerate(response.hits, start=args.offset + 1):
        copies = f"  [{hit.copies} copies]" if hit.copies > 1 else ""
        meta = " · ".join(x for x in (hit.date, hit.region, hit.doc_type) if x)
        print(f"{n}. {hit.title or hit.id}  ({hit.id}){copies}\n   {meta}")
        if hit.matched_articles:
            print("   命中条款: " + "；".join(f"{a['label']}（{'、'.join(a['words'])}）" for a in hit.matched_articles))
        if hit.matched_synonyms:
            print("   经同义词匹配: " + "、".join(hit.matched_synonyms))
        if hit.versions:
            older = "、".join(f"{v['date']}（{v['id']}）" for v in hit.versions[1:])
            print(
                f"   {hit.versions[0]['status']} {hit.versions[0]['date']}" + (f" · 历史版本: {older}" if older else "")
            )
        plain = re.sub(r"</?mark>", "**", hit.snippet)
        import html

        print("   " + html.unescape(plain))
    return 0


def cmd_export(args) -> int:
    backend = _backend(args, writer=False)
    out = open(args.jsonl, "w", encoding="utf-8") if args.jsonl and args.jsonl != "-" else sys.stdout
    count = 0
    try:
        for doc in backend.iter_documents():
            doc.pop("paragraphs", None)
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
            count += 1
    finally:
        backend.close()
        if out is not sys.stdout:
            out.close()
    if out is not sys.stdout:
        print(f"exported {count} documents to {args.jsonl}", file=sys.stderr)
    return 0


def cmd_stats(args) -> int:
    backend = _backend(args, writer=False)
    try:
        stats = backend.stats()
    finally:
        backend.close()
    if args.json:
        _print_json(stats)
    else:
        for key, value in _flat(stats):
            print(
                f"{key:>40}: {value:,}"
                if isinstance(value, int)
                else f"{key:>40}: {value:.1%}"
                if key.endswith("_share")
                else f"{key:>40}: {value}"
            )
    return 0


def _flat(stats: dict, prefix: str = ""):
    """Nested statistics as (dotted key, value) lines; parameter blocks are left to --json."""
    for key, value in stats.items():
        if isinstance(value, dict):
            if key != "params":
                yield from _flat(value, f"{prefix}{key}.")
        else:
            yield prefix + key, value


def cmd_reindex(args) -> int:
    backend = _backend(args, writer=False)
    try:
        from tqdm import tqdm

        total = backend.stats().get("documents", 0)
        with tqdm(total=total, unit="doc", desc="reindex", file=sys.stderr, disable=args.quiet) as bar:
            count = backend.reindex(progress=bar.update)
    finally:
        backend.close()
    print(f"reindexed {count} documents")
    return 0


def cmd_compact(args) -> int:
    import time

    backend = _backend(args)
    try:
        compact = getattr(backend, "compact_postings", None)
        if compact is None:
            raise GovtextError(
                "govtext compact applies to the embedded store (the search engine merges its own segments)",
                code="unsupported",
                status=400,
            )
        started = time.perf_counter()
        result = compact()
        seconds = time.perf_counter() - started
    finally:
        backend.close()
    if args.json:
        _print_json({"kinds": result, "seconds": round(seconds, 3)})
        return 0
    for kind, r in result.items():
        print(
            f"{kind}: {r['segments_before']} → {r['segments']} segments, "
            f"{r['postings_before']:,} → {r['postings']:,} postings"
        )
    print(f"compacted in {seconds:.1f} s")
    return 0


def cmd_serve(args) -> int:
    from service.server import serve

    settings = _settings(args)
    return serve(settings, host=args.host, port=args.port, workers=args.workers, threads=args.threads)


# -- parser ---------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govtext", description="Search and duplicate detection for Chinese policy texts."
    )
    parser.add_argument("--data", help="folder of the embedded store (default: $GOVTEXT_DATA or ./data)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="load files or folders (txt, md, html, docx, pdf, jsonl)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--keep-chrome",
        action="store_true",
        help="keep toolbar/breadcrumb lines (下载 打印 【字号：…】, 首页 > …) at the ends of given texts",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="search the documents")
    p.add_argument("query", nargs="?", default="", help="the query; leave it out to browse by filters")
    p.add_argument("--theme", action="append", help="theme id (repeatable), see GET /api/v1/themes")
    p.add_argument("--region", help="province, e.g. 浙江")
    p.add_argument("--city", help="city, e.g. 杭州")
    p.add_argument("--year", help="a year or a range: 2020, 2020-2026, 2020-, -2010")
    p.add_argument("--type", help="document type id")
    p.add_argument("--site", help="source site or collection")
    p.add_argument(
        "--status",
        action="append",
        help="edition status, repeatable or comma-separated: 现行, 已修订, 未见修订, 版本不详",
    )
    p.add_argument("--sort", default="relevance", choices=["relevance", "date", "-date"])
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--no-collapse", action="store_true", help="list reposted copies separately")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", help="every document with its metadata, text and tags")
    p.add_argument("--jsonl", default="-", metavar="OUT", help="output file (default: stdout)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stats", help="counts, sizes, duplicate share")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("reindex", help="rebuild the search index from the store")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_reindex)

    p = sub.add_parser(
        "compact", help="merge the duplicate index's posting segments into one per kind (faster draft checks)"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compact)

    p = sub.add_parser("serve", help="serve the API and web UI")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=4, help="threads per worker")
    p.set_defaults(func=cmd_serve)

    from service import cli_more

    cli_more.register(sub)
    from service import cli_tracing

    cli_tracing.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except GovtextError as exc:
        print(f"govtext: error: {exc.message}", file=sys.stderr)
        return 2 if exc.status >= 500 and exc.status != 503 else 1
    except KeyboardInterrupt:
        print("govtext: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
