"""CLI commands of the tracing features: trace, diff, implements, watch."""

from __future__ import annotations

import sys

from govtext.errors import BadInput

STATUS = {"unchanged": "未变", "renumbered": "条号变", "changed": "修改", "added": "新增", "deleted": "删除"}


def _open(args, writer: bool = False):
    from service.cli_io import _backend
    from tracing.source import source_for

    backend = _backend(args, writer=writer)
    return backend, source_for(backend)


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def cmd_trace(args) -> int:
    from service.cli_io import _print_json
    from tracing.trace import trace_paragraph, trace_text

    backend, source = _open(args)
    try:
        if args.doc:
            result = trace_paragraph(source, args.doc, args.paragraph, near=not args.exact, limit=args.limit)
        else:
            if not args.text:
                raise BadInput("give the passage to trace, - for standard input, or --doc ID --paragraph N")
            text = sys.stdin.read() if args.text == "-" else args.text
            result = trace_text(source, text, near=not args.exact, limit=args.limit)
    finally:
        backend.close()
    if args.json:
        _print_json(result)
        return 0
    print(
        f"「{_short(result['traced'], 60)}」: {result['documents']} documents, {result['paragraphs']} paragraphs"
        f"{' (truncated)' if result['truncated'] else ''} ({result['took_ms']:.0f} ms)"
    )
    first = result.get("first")
    if first:
        print(
            f"first: {first['date'] or '?'} {first['region'] or '?'} {first['title'] or first['doc_id']} ({first['doc_id']})"
        )
    for y in result["by_year"]:
        new = f"  new: {'、'.join(y['new_regions'])}" if y["new_regions"] else ""
        print(f"  {y['year']}: {y['documents']} documents{new}")
    if len(result["variants"]) > 1:
        print(f"{len(result['variants'])} variants")
    for o in result["occurrences"]:
        kind = o["kind"] if o["kind"] != "near" else f"near {o['similarity']:.2f}"
        print(
            f"{o['date'] or '----------':<10}  {o['region'] or '?':<8} {o['doc_type'] or '':<10} "
            f"{_short(o['title'] or o['doc_id'], 30)} ¶{o['paragraph_index']} [{kind}]\n"
            f"            {_short(o['text'], 90)}"
        )
    return 0


def cmd_diff(args) -> int:
    from service.cli_io import _print_json
    from tracing.diff import diff_documents

    backend, source = _open(args)
    try:
        result = diff_documents(source, args.a, args.b)
    finally:
        backend.close()
    if args.json:
        _print_json(result)
        return 0
    a, b, s = result["a"], result["b"], result["summary"]
    print(
        f"{a.get('title') or a.get('id')} ({a.get('date') or '?'}) -> {b.get('title') or b.get('id')} ({b.get('date') or '?'})"
    )
    print(
        f"{result['articles']['a']} -> {result['articles']['b']} articles: "
        + ", ".join(f"{STATUS[k]} {s[k]}" for k in STATUS)
        + f"; renumbered in all {s['renumbered_total']}"
    )
    for r in result["rows"]:
        if r["status"] == "unchanged" and not args.all:
            continue
        la = r["a"]["label"] if r["a"] else "—"
        lb = r["b"]["label"] if r["b"] else "—"
        print(f"[{STATUS[r['status']]}] {la} -> {lb}")
        if r["status"] == "changed":
            marked = "".join(
                e["text"]
                if e["op"] == "equal"
                else (f"[-{e['text']}-]" if e["op"] == "delete" else f"{{+{e['text']}+}}")
                for e in r["edits"]
            )
            print("    " + marked.replace("\n", "\n    "))
        elif r["status"] in ("added", "deleted"):
            side = r["b"] if r["status"] == "added" else r["a"]
            print("    " + _short(side["text"], 120))
    return 0


def cmd_implements(args) -> int:
    from service.cli_io import _print_json
    from tracing.implements import implements

    backend, source = _open(args)
    try:
        result = implements(source, args.doc, article=args.article, limit=args.limit)
    finally:
        backend.close()
    if args.json:
        _print_json(result)
        return 0
    d, s = result["document"], result["summary"]
    print(f"{d.get('title') or d.get('id')} ({d.get('region') or '?'}, {d.get('date') or '?'})")
    if result["direction"] == "local_to_national":
        print(
            f"{s['articles']} articles: {s['copied']} copied, {s['adapted']} adapted, {s['own']} own; "
            f"national text {s['national_share']:.1%}, own {s['own_share']:.1%}"
        )
        for src in s["sources"]:
            print(
                f"  {src['share']:.1%}  {src['title'] or src['doc_id']} ({src['date'] or '?'}), {src['articles']} articles"
            )
        for a in result["articles"]:
            o = a["origin"]
            where = f"{o['kind']} {o['coverage']:.0%} {_short(o['title'], 24)} {o['label']}" if o else "own"
            print(f"{a['label']:<10} {where}")
    else:
        print(
            f"{s['implemented']} of {s['articles']} articles copied or adapted locally; regions: "
            f"{'、'.join(s['regions']) or 'none'}"
        )
        for a in result["articles"]:
            if a["implemented_by"]:
                print(
                    f"{a['label']}: "
                    + "; ".join(
                        f"{m['region']} {_short(m['title'], 20)} {m['label']} ({m['kind']} {m['coverage']:.0%})"
                        for m in a["implemented_by"]
                    )
                )
    return 0


def cmd_watch(args) -> int:
    from service.cli_io import _backend, _print_json
    from govtext.settings import load_settings
    from tracing.watches import watches_for

    backend = _backend(args, writer=False)
    try:
        watches = watches_for(backend)
        if args.action == "add":
            if not args.text:
                raise BadInput("give the passage or query to watch")
            out = watches.create(args.kind, args.text, args.name or "", load_settings().max_query_chars)
        elif args.action == "list":
            out = {"watches": watches.list()}
        elif args.action == "new":
            out = watches.new(args.id, since=args.since, limit=1000)
        else:
            watches.delete(args.id)
            out = {"deleted": args.id}
    finally:
        backend.close()
    if args.json or args.action != "new":
        _print_json(out)
        return 0
    for i in out["items"]:
        print(
            f"{i['found_at']}  {i['region'] or '?'}  {i['date'] or '?'}  {i['title'] or i['doc_id']} ({i['doc_id']})\n"
            f"    {_short(i['reused'], 100)}"
        )
    return 0


def register(sub) -> None:
    p = sub.add_parser("trace", help="提法溯源: every document holding a passage or a near copy, earliest first")
    p.add_argument("text", nargs="?", help="the passage or phrase (- for standard input)")
    p.add_argument("--doc", help="trace a paragraph of this stored document instead")
    p.add_argument("--paragraph", type=int, default=0, help="the paragraph number (from 0) with --doc")
    p.add_argument("--exact", action="store_true", help="containment only, no near copies")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("diff", help="修订对照: article-by-article comparison of two editions")
    p.add_argument("a", help="the older edition's id")
    p.add_argument("b", help="the newer edition's id")
    p.add_argument("--all", action="store_true", help="list unchanged articles too")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("implements", help="上位法对照: local clauses that copy or adapt national articles")
    p.add_argument("doc")
    p.add_argument("--article", type=int, help="only this article number")
    p.add_argument("--limit", type=int, default=20, help="local clauses listed per national article")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_implements)

    p = sub.add_parser("watch", help="watches: save a passage or query; list the new documents that reuse it")
    p.add_argument("action", choices=["add", "list", "new", "delete"])
    p.add_argument("text", nargs="?", help="with add: the passage or query")
    p.add_argument("--kind", choices=["passage", "query"], default="passage")
    p.add_argument("--name")
    p.add_argument("--id", type=int, help="with new / delete: the watch id")
    p.add_argument("--since", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_watch)
