"""The ``minutes`` command: a thin adapter from the command line to the core.

Commands and JSON shapes are the public contract (see the README). Exit status: 0 success; 1 the
job ran but something failed (some files could not be ingested: the rest were); 2 usage or
configuration error. Errors are one clear line on stderr; details go to the log file in the data
directory.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from pathlib import Path

from assistant.validation import InputError, check_date, check_filters, check_k, check_question, clean_text
from minutes_core.settings import Settings, SettingsError
from vectorstore.layout import DataLayout

log = logging.getLogger("minutes")

EXAMPLES = {
    "ingest": "minutes ingest data/sample --json",
    "stats": "minutes stats --json",
    "ask": 'minutes ask "What did the committee resolve about the Children\'s Trust in December 2020?"',
    "chat": "minutes chat",
    "eval": "minutes eval run --suite evals/suites/bundled.jsonl --out eval-results/ours",
    "records": "minutes records decisions --meeting 2020-10-28 --csv",
    "people": 'minutes people "Councillor J. Sheahan" --json',
    "track": 'minutes track "election posters" --json',
    "watch": 'minutes watch add "What is new on election posters?"',
    "serve": "minutes serve --port 7860",
    "config": "minutes config",
}


FILE_ONLY = "file_only"  # a log record's extra flag: written to the log file, not to stderr


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="Folder for indexes, records, caches and logs "
                        "(env MINUTES_DATA_DIR; default .minutes).")
    parser.add_argument("--config", help="TOML config file (env MINUTES_CONFIG; default ./minutes.toml).")
    parser.add_argument("-v", "--verbose", action="store_true", help="Log details to stderr.")


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--committee", help="Only this committee (any of its names).")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="Meetings on or after.")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="Meetings on or before.")
    parser.add_argument("--doc-type", help="Only this kind of document (minutes, report, ...).")
    parser.add_argument("--decisions-only", action="store_true", help="Only RESOLVED passages.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minutes", description="Answer questions about committee records with cited passages.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=f"{help_text}\n\nExample: {EXAMPLES[name]}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        _add_common(p)
        return p

    p = command("ingest", "Add or update files and folders in the index.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--prune", action="store_true", help="Forget stored files no longer found under PATHs.")
    p.add_argument("--json", action="store_true", help="Print the report as JSON.")
    p.add_argument("--explain", action="store_true",
                   help="Store nothing; print what was detected in each FILE (body, meeting, items, "
                        "attendance, decisions) and by which convention.")

    p = command("stats", "What the index holds.")
    p.add_argument("--json", action="store_true")

    p = command("ask", "Ask one question and print a cited answer.")
    p.add_argument("question")
    p.add_argument("--json", action="store_true")
    p.add_argument("--backend", choices=["extractive", "openai", "local"])
    p.add_argument("--k", type=int, help="Passages to show (default from settings).")
    _add_filters(p)

    p = command("chat", "A conversation in the terminal (follow-up questions understood).")
    p.add_argument("--backend", choices=["extractive", "openai", "local"])
    p.add_argument("--k", type=int)

    p = command("eval", "Run an evaluation suite, or compare two runs.")
    eval_sub = p.add_subparsers(dest="eval_command", required=True, metavar="run|compare")
    run = eval_sub.add_parser("run", help="Run a suite and write results.jsonl, summary.json, report.html.")
    _add_common(run)
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("--suite", help="JSONL suite file, run against the data directory's index.")
    which.add_argument("--plan", help="Eval plan (TOML, e.g. evals/plan.toml): several councils, each "
                                      "with its corpus and suites, ingested into DATA_DIR/eval/.")
    run.add_argument("--role", choices=["dev", "heldout"], action="append",
                     help="With --plan: run only suites of this role (repeatable; default all).")
    run.add_argument("--k", type=int, default=5)
    run.add_argument("--backend", choices=["extractive", "openai", "local"])
    run.add_argument("--out", required=True, help="Folder for the results.")
    run.add_argument("--no-baseline", action="store_true",
                     help="Skip the naive baseline (1000/200-character chunks, dense only, no structure) "
                          "that is otherwise run into OUT/baseline and shown beside ours.")
    run.add_argument("--gate", action="store_true",
                     help="Exit 1 when a metric is below the thresholds in evals/thresholds.json.")
    compare = eval_sub.add_parser("compare", help="Per-metric deltas and flipped items of two runs.")
    _add_common(compare)
    compare.add_argument("dir_a")
    compare.add_argument("dir_b")

    p = command("records", "Meetings, decisions, attendance and actions as rows.")
    p.add_argument("kind", choices=["meetings", "decisions", "attendance", "actions"])
    p.add_argument("--committee")
    p.add_argument("--meeting", metavar="YYYY-MM-DD")
    p.add_argument("--search", metavar="TEXT")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")

    p = command("people", "Councillors and officers: attendance, motions and votes across meetings.")
    p.add_argument("name", nargs="?", help="A person's name as printed or typed; omit to list everyone.")
    p.add_argument("--json", action="store_true")

    p = command("track", "Follow a topic across meetings: agenda, discussion, decisions, deferrals.")
    p.add_argument("topic", help="The words of the topic, e.g. a place, a scheme or a plan's name.")
    p.add_argument("--json", action="store_true")

    p = command("watch", "Standing questions: keep a question, report what is new on it since the last report.")
    watch_sub = p.add_subparsers(dest="watch_command", required=True)
    add = watch_sub.add_parser("add", help="Keep a question.")
    _add_common(add)
    add.add_argument("question")
    listing = watch_sub.add_parser("list", help="The questions kept.")
    _add_common(listing)
    listing.add_argument("--json", action="store_true")
    remove = watch_sub.add_parser("remove", help="Forget a question by its number.")
    _add_common(remove)
    remove.add_argument("number", type=int)
    report = watch_sub.add_parser("report", help="What is new since the last report on each question, cited.")
    _add_common(report)
    report.add_argument("--json", action="store_true")
    report.add_argument("--peek", action="store_true", help="Show the report without marking it as read.")

    p = command("serve", "Start the web chat UI.")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--ingest", metavar="PATH", action="append",
                   help="Ingest these paths first if they changed (repeatable).")

    command("config", "Print the settings in force and where each can be set.")
    return parser


def load_settings(args: argparse.Namespace, **overrides) -> Settings:
    return Settings.load(args.config, data_dir=args.data_dir, **overrides)


def configure_logging(settings: Settings, verbose: bool) -> None:
    """Details to a log file in the data directory; warnings (one line each) to stderr."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(message)s"))
    # Tracebacks are for the log file: the user has already read the one-line error.
    console.addFilter(lambda record: verbose or not getattr(record, FILE_ONLY, False))
    root.addHandler(console)
    try:
        layout = DataLayout.of(settings)
        layout.logs.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(layout.log_file, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(file_handler)
    except OSError as error:
        console.handle(logging.makeLogRecord({"msg": f"cannot write the log file: {error}",
                                              "levelno": logging.WARNING, "levelname": "WARNING"}))
    for noisy in ("httpx", "chromadb", "sentence_transformers", "urllib3", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def open_index(settings: Settings):
    from vectorstore.index import Index

    return Index(settings)


# -- commands --------------------------------------------------------------------------------------

def cmd_ingest(args, settings: Settings) -> int:
    from ingest.conventions import load_conventions
    from vectorstore.ingestion import Ingester

    load_conventions(settings.conventions_file)  # an invalid rule stops here, before any work
    if args.explain:
        return _explain(args, settings)
    index = open_index(settings)
    try:
        report = Ingester(settings, index).ingest(args.paths, prune=args.prune,
                                                  progress=sys.stderr.isatty() and not args.json)
    finally:
        index.close()
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        data = report.to_dict()
        files = data["files"]
        resumed = f" ({data['resumed']} left by an interrupted ingest)" if data["resumed"] else ""
        print(f"{files['added']} added{resumed}, {files['replaced']} replaced, {files['unchanged']} unchanged, "
              f"{files['removed']} removed, {files['failed']} failed; {data['documents']} documents, "
              f"{data['chunks']} chunks ({data['embedded']} embedded) in {data['seconds']:.1f} s")
    return 0 if report.ok else 1


def _explain(args, settings: Settings) -> int:
    from ingest.explain import explain_file, explain_text
    from ingest.loaders import LoadError

    reports, status = [], 0
    for path in args.paths:
        try:
            reports.append(explain_file(path, settings))
        except LoadError as error:
            print(f"minutes: {error}", file=sys.stderr)
            status = 1
    if args.json:
        print(json.dumps(reports, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(explain_text(report) for report in reports))
    return status


def cmd_stats(args, settings: Settings) -> int:
    index = open_index(settings)
    try:
        stats = index.stats()
    finally:
        index.close()
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        print(f"{stats['files']} files, {stats['documents']} documents, {stats['chunks']} chunks")
        print("committees: " + ("; ".join(stats["committees"]) or "none"))
        print("meetings: " + (", ".join(stats["meetings"]) or "none"))
        unknown = stats.get("unknown") or {}
        if unknown.get("committee") or unknown.get("meeting_date"):
            print(f"unknown: committee for {unknown.get('committee', 0)} documents, "
                  f"meeting date for {unknown.get('meeting_date', 0)} (no convention named them)")
    return 0


def _filters_from(args):
    from vectorstore.models import Filters

    return Filters(committee=args.committee, date_from=args.date_from, date_to=args.date_to,
                   doc_type=args.doc_type, decisions_only=args.decisions_only)


def format_answer(answer) -> str:
    """An answer for the terminal: the text, then its numbered sources."""
    lines = [answer.answer, ""]
    if answer.standalone_query and answer.standalone_query != answer.question:
        lines.insert(0, f"(searched for: {answer.standalone_query})")
    shown = answer.citations or ({i + 1: p for i, p in enumerate(answer.passages[:3])}
                                 if answer.abstained else {})
    if shown and answer.abstained:
        lines.append("Closest passages:")
    for n, p in sorted(shown.items()):
        where = ", ".join(x for x in [p.committee, p.meeting_date, p.title,
                                      f"item {p.item}" if p.item else "",
                                      f"p. {p.page}" if p.page else "", p.source] if x)
        lines.append(f"[{n}] {where}")
    return "\n".join(lines).rstrip()


def cmd_ask(args, settings: Settings) -> int:
    from assistant.factory import build_assistant

    # Checked before the index and the model are loaded: a bad question is refused at once.
    question = check_question(args.question, settings)
    filters = check_filters(_filters_from(args), settings)
    k = check_k(args.k, settings)
    assistant = build_assistant(settings)
    answer = assistant.ask(question, filters=filters, k=k, backend=args.backend)
    print(json.dumps(answer.to_dict(), indent=2) if args.json else format_answer(answer))
    return 0


def cmd_chat(args, settings: Settings) -> int:
    from assistant.factory import build_assistant
    from assistant.models import Turn

    k = check_k(args.k, settings)
    assistant = build_assistant(settings)
    history: list[Turn] = []
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask about the committee records (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("> " if interactive else "")
        except EOFError:
            break
        if not question.strip():
            break
        try:
            answer = assistant.ask(question, history=history, k=k, backend=args.backend)
        except InputError as error:
            print(f"minutes: {error}", file=sys.stderr, flush=True)
            continue
        print(format_answer(answer), end="\n\n", flush=True)
        history += [Turn("user", answer.question),
                    Turn("assistant", answer.answer[: settings.max_history_chars])]
        history = history[-settings.max_history_turns:]
    return 0


def cmd_eval(args, settings: Settings) -> int:
    if args.eval_command == "compare":
        from evals.compare import compare

        print(compare(args.dir_a, args.dir_b))
        return 0
    from evals.runner import check_thresholds, load_thresholds, run_eval

    if args.plan:
        return _eval_plan(args, settings)
    summary = run_eval(settings, args.suite, args.out, k=check_k(args.k, settings), backend=args.backend,
                       baseline=not args.no_baseline, progress=sys.stderr.isatty())
    overall = summary.get("overall", {})
    print(" ".join(f"{name}={value:.3f}" for name, value in overall.items()
                   if isinstance(value, float) and not name.startswith("n_")))
    print(f"report: {Path(args.out) / 'report.html'}")
    if args.gate:
        failures = check_thresholds(summary, load_thresholds())
        for failure in failures:
            print(f"minutes: gate: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0


def _eval_plan(args, settings: Settings) -> int:
    """``minutes eval run --plan``: every council's suites, ours beside both baselines."""
    from evals.plan import load_plan, run_plan

    summary = run_plan(settings, load_plan(args.plan), args.out, roles=tuple(args.role or ("dev", "heldout")),
                       k=check_k(args.k, settings), baselines=not args.no_baseline, progress=sys.stderr.isatty())
    failures = []
    for name in summary["worst_first"]:
        council = next(c for c in summary["councils"] if c["council"] == name)
        for suite in council["suites"]:
            line = " ".join(f"{system}: acc={suite[system]['answer_accuracy'] or 0:.3f} "
                            f"hit@5={suite[system]['hit@5'] or 0:.3f}"
                            for system in ("ours", "naive", "fts5") if system in suite)
            print(f"{name} {suite['suite']} ({suite['role']}, {suite['items']} items): {line}")
        failures += council["floor_failures"]
    print(f"summary: {Path(args.out) / 'plan-summary.json'}")
    if args.gate:
        for failure in failures:
            print(f"minutes: gate: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0


def cmd_records(args, settings: Settings) -> int:
    from vectorstore.records import RecordsStore

    meeting = check_date(args.meeting, "--meeting")
    search = clean_text(args.search or "")
    for name, value in (("--search", search), ("--committee", args.committee or "")):
        if len(value) > settings.max_filter_chars:
            raise InputError(f"{name} is {len(value):,} characters long; the limit is "
                             f"{settings.max_filter_chars} (setting max_filter_chars).")
    store = RecordsStore(DataLayout.of(settings).records)
    rows = store.query(args.kind, committee=args.committee, meeting=meeting, search=search or None,
                       aliases_file=settings.committee_aliases_file)
    if args.json:
        print(json.dumps(rows, indent=2))
    elif args.csv:
        if rows:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows({k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()}
                             for row in rows)
    else:
        for row in rows:
            print(" | ".join(str(v) for k, v in row.items() if k not in ("text",) and v not in (None, "")))
    return 0


def cmd_people(args, settings: Settings) -> int:
    from vectorstore.people import People
    from vectorstore.records import RecordsStore

    store = RecordsStore(DataLayout.of(settings).records)
    try:
        people = People(store, settings.people_aliases_file)
    finally:
        store.close()
    if not args.name:
        listed = [person.summary() for person in people.people()]
        if args.json:
            print(json.dumps(listed, indent=2, ensure_ascii=False))
        for row in [] if args.json else listed:
            print(f"{row['name']:<28} present {row['present']:>4}  apologies {row['apologies']:>3}  "
                  f"absent {row['absent']:>3}  proposed {row['proposed']:>3}  seconded {row['seconded']:>3}  "
                  f"{'councillor' if row['councillor'] else 'official'}")
        return 0
    found = people.find(args.name)
    if not found:
        raise UsageError(f"no person named {args.name!r} in the records; `minutes people` lists everyone")
    pages = [person.page() for person in found]
    if args.json:
        print(json.dumps(pages if len(pages) > 1 else pages[0], indent=2, ensure_ascii=False))
        return 0
    for page in pages:
        print(f"{page['name']} ({', '.join(page['printed'])})")
        for row in page["attendance_by_body_year"]:
            print(f"  {row['year']} {row['body']}: present {row['present']}, apologies {row['apologies']}, "
                  f"absent {row['absent']}" + (f", official {row['official']}" if row["official"] else ""))
        for label in ("proposed", "seconded"):
            for motion in page[label]:
                print(f"  {label} {motion['meeting_date'] or 'undated'} {motion['committee'] or ''}: "
                      f"{' '.join((motion['decision'] or '').split())[:100]}  [{motion['source']}]")
        for vote in page["votes"]:
            print(f"  voted {vote['vote']} {vote['meeting_date'] or 'undated'}: "
                  f"{' '.join((vote['decision'] or '').split())[:100]}  [{vote['source']}]")
    return 0


def cmd_track(args, settings: Settings) -> int:
    from vectorstore.track import track

    index = open_index(settings)
    store = index.open_records()
    try:
        timeline = track(args.topic, index, store)
    finally:
        store.close()
        index.close()
    if args.json:
        print(json.dumps(timeline, indent=2, ensure_ascii=False))
        return 0
    if not timeline["meetings"]:
        print(f"No meeting in the records mentions {args.topic!r}.")
    for entry in timeline["meetings"]:
        link = (f"  deferred; decided {entry['deferred_until']}" if entry["deferred_until"] else "") + (
            f"  (deferred from {entry['follows_deferral']})" if entry["follows_deferral"] else "")
        print(f"{entry['meeting_date'] or 'undated'}  {entry['committee'] or 'unknown body'}  "
              f"[{', '.join(entry['kinds'])}]{link}")
        for mention in entry["mentions"][:2]:
            print(f"    {mention['text']}  [{mention['passage']['source']}]")
        for decision in entry["decisions"]:
            print(f"    decision ({decision['outcome'] or 'outcome not printed'}): "
                  f"{' '.join((decision['decision'] or '').split())[:120]}")
    return 0


def cmd_watch(args, settings: Settings) -> int:
    from vectorstore.watch import WatchError, WatchList

    watch = WatchList(DataLayout.of(settings).watch)
    try:
        if args.watch_command == "list":
            questions = [{k: q[k] for k in ("id", "question", "added")} for q in watch.questions()]
            print(json.dumps(questions, indent=2, ensure_ascii=False) if args.json else
                  "\n".join(f"{q['id']}. {q['question']}  (kept {q['added']})" for q in questions))
            return 0
        if args.watch_command == "remove":
            if not watch.remove(args.number):
                raise UsageError(f"no standing question number {args.number}; `minutes watch list` shows them")
            return 0
        index = open_index(settings)
        store = index.open_records()
        try:
            if args.watch_command == "add":
                added = watch.add(args.question, index)
                print(f"Kept question {added['id']}: {added['question']}")
                return 0
            result = watch.report(index, store, mark=not args.peek)
        finally:
            store.close()
            index.close()
    except WatchError as error:
        raise UsageError(str(error)) from error
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    for entry in result["questions"]:
        print(f"{entry['id']}. {entry['question']}: {len(entry['passages'])} new passages, "
              f"{len(entry['decisions'])} new decisions")
        for passage in entry["passages"][:5]:
            print(f"    {' '.join(passage['text'].split())[:140]}  [{passage['source']}"
                  + (f", page {passage['page']}]" if passage.get("page") is not None else "]"))
        for decision in entry["decisions"][:5]:
            print(f"    decision {decision['meeting_date'] or 'undated'}: "
                  f"{' '.join((decision['decision'] or '').split())[:120]}  [{decision['source']}]")
    return 0


def cmd_serve(args, settings: Settings) -> int:
    if args.ingest:
        from vectorstore.ingestion import Ingester

        index = open_index(settings)
        try:
            report = Ingester(settings, index).ingest(args.ingest, progress=sys.stderr.isatty())
        finally:
            index.close()
        data = report.to_dict()
        log.warning("ingest: %s; %d documents, %d chunks", data["files"], data["documents"], data["chunks"])
    from minutes_app.ui import app

    app.serve(settings)
    return 0


def cmd_config(args, settings: Settings) -> int:
    for name, value in settings.to_dict().items():
        print(f"{name} = {value!r}    # env MINUTES_{name.upper()}")
    return 0


def _user_message(error: Exception, settings: Settings) -> tuple[str, int]:
    """One sentence for the user and the exit status; the traceback goes to the log file."""
    kind = type(error).__name__
    if kind in ("SuiteError", "UsageError", "FileNotFoundError", "EvalError", "CompareError",
                "PlanError", "ConventionsError"):
        return str(error), 2
    if kind in ("BackendError", "LockTimeout"):
        return str(error), 1
    text = str(error)
    if settings.chroma_mode == "http" and ("connect" in text.lower() or "refused" in text.lower()):
        return (f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port}; "
                "start it with `chroma run` or set chroma_mode=persistent"), 2
    log_file = DataLayout.of(settings).log_file
    return f"{kind}: {text} (details in {log_file})", 1


COMMANDS = {
    "ingest": cmd_ingest, "stats": cmd_stats, "ask": cmd_ask, "chat": cmd_chat, "eval": cmd_eval,
    "records": cmd_records, "people": cmd_people, "track": cmd_track, "watch": cmd_watch, "serve": cmd_serve, "config": cmd_config,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        overrides = {}
        if args.command == "serve":
            overrides = {"host": args.host, "port": args.port}
        settings = load_settings(args, **overrides)
    except SettingsError as error:
        print(f"minutes: {error}", file=sys.stderr)
        return 2
    configure_logging(settings, getattr(args, "verbose", False))
    try:
        return COMMANDS[args.command](args, settings)
    except (SettingsError, InputError) as error:
        print(f"minutes: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("minutes: interrupted; run the same command again to finish.", file=sys.stderr)
        return 1
    except Exception as error:
        message, status = _user_message(error, settings)
        log.error("minutes %s failed: %s", args.command, message, exc_info=True, extra={FILE_ONLY: True})
        print(f"minutes: {message}", file=sys.stderr)
        return status


if __name__ == "__main__":
    sys.exit(main())
