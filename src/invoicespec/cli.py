"""The ``invoicespec`` command line.

    invoicespec list [--format text|json]
    invoicespec validate OPERATION [--part PART] [--format text|json|github|junit] [--jobs N]
                         [--jsonl] [--no-progress] [--quiet] [--max-bytes N] FILE...
    invoicespec normalize OPERATION [--part PART] [--jsonl] [--max-bytes N] FILE...
    invoicespec docs --out DIR
    invoicespec openapi [--out FILE]
    invoicespec mock [--host HOST] [--port N] [--seed N] [--no-violations-header]
    invoicespec lint DIR...
    invoicespec import-openapi FILE --operation OPERATION_ID --out DIR

Every subcommand takes ``--schemas DIR`` (repeatable): contract folders of your own, loaded with the shipped
operations (see ``invoicespec.load_catalog``). Without it, the folders of ``INVOICESPEC_SCHEMAS`` (separated
by ``os.pathsep``), else those of ``[tool.invoicespec] schemas`` in the nearest ``pyproject.toml``.

Files are JSON or YAML (by extension; otherwise JSON, then YAML); ``-`` reads
standard input. For a part whose media type is ``text/plain`` the file's text is
the payload. ``validate`` also takes folders (searched recursively), quoted glob
patterns and JSON Lines files (``.jsonl``, ``.ndjson``: one payload per line);
see :mod:`invoicespec.io.batch`; so does ``normalize``, which prints one payload
indented, or JSON Lines (a line per valid payload) for several. Exit status: 0 when every payload is valid, 1
when some payload is invalid, 2 for a usage error or an input that cannot be
read (with a message, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from invoicespec.io.batch import read_task
from invoicespec.io.batch import run as run_batch
from invoicespec.io.inputs import expand_inputs, tasks_of
from invoicespec.io.writers import FORMATS
from invoicespec.io.files import MAX_DOCUMENT_BYTES, PayloadFileError
from invoicespec._errors import Error, InvalidPayload, InvoicespecError, error_count, error_line
from invoicespec.rules.display import printable

if TYPE_CHECKING:
    from invoicespec._contracts import Catalog

__all__ = ["main"]

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's hook; exits 2 with the usage line
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"invoicespec: error: {message}\n")


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more (0: one per CPU), not {text!r}")
    return jobs


def _max_bytes(text: str) -> int:
    try:
        limit = int(text)
    except ValueError:
        limit = 0
    if limit < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of bytes, 1 or more, not {text!r}")
    return limit


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("invoicespec")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


_INPUTS = ("files (JSON, YAML), folders (recursively: .json .yaml .yml .jsonl .ndjson, and .txt for text/plain "
           "parts), quoted glob patterns (\"fixtures/**/*.json\") and JSON Lines files (one payload per line, "
           "each named FILE:LINE)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="invoicespec",
        description="Validate and normalize payloads of invoicing and debt-collection APIs.",
        epilog="Exit status: 0 all valid, 1 some payload invalid, 2 usage error or unreadable file.",
    )
    # "-V, --version" is also what makes the help column wide enough for "normalize" to keep its description on
    # its line: argparse measures the commands one indent less than it prints them.
    parser.add_argument("-V", "--version", action="version", version=f"invoicespec {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    listing = commands.add_parser("list", help="list the operations and their parts",
                                  description="List the operations, their vendor, endpoint and parts.")
    listing.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    validate = commands.add_parser(
        "validate", help="validate payload files against one operation part",
        description=f"Validate payloads against one operation part: {_INPUTS}.",
        epilog="Exit status: 0 all valid, 1 some payload invalid, 2 usage error or unreadable input.",
    )
    validate.add_argument("operation", metavar="OPERATION", help="an operation id, such as getbill.create_debt")
    validate.add_argument("files", metavar="FILE", nargs="+",
                          help="payload files (JSON, YAML, JSON Lines), folders or glob patterns; - is stdin")
    validate.add_argument("--part", default="request", help="the part to validate against (default: request)")
    validate.add_argument("--format", choices=FORMATS, default="text",
                          help="output format: text, json, github (workflow annotations) or junit (XML)")
    validate.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                          help="processes that check, this one included (default 1; 0: one per CPU); "
                               "the output is the same")
    validate.add_argument("--jsonl", action="store_true", help="read standard input (-) as JSON Lines")
    validate.add_argument("--max-bytes", type=_max_bytes, default=MAX_DOCUMENT_BYTES, metavar="N",
                          help="refuse, unread, a payload file larger than N bytes (default 64 MiB)")
    validate.add_argument("--no-progress", dest="progress", action="store_false",
                          help="no progress bar (one is drawn on stderr for large inputs when it is a terminal)")
    validate.add_argument("--quiet", "-q", action="store_true",
                          help="text format: print nothing for valid payloads (as a pre-commit hook should)")

    docs = commands.add_parser("docs", help="write the Markdown and HTML reference of every operation",
                               description="Write the Markdown and HTML reference of every operation "
                                           "(needs the docs extra: jinja2).")
    docs.add_argument("--out", required=True, metavar="DIR", help="the folder to write into (created if missing)")

    openapi = commands.add_parser("openapi", help="print (or write) one OpenAPI 3.1 document for every operation",
                                  description="Print (or write) one OpenAPI 3.1 document for every operation.")
    openapi.add_argument("--out", metavar="FILE", help="write the document here instead of standard output")

    _add_mock(commands)

    normalize = commands.add_parser(
        "normalize", help="print the normalized form of valid payloads as JSON",
        description=f"Print the normalized form of valid payloads as JSON: {_INPUTS}. One payload is printed "
                    "indented; several as JSON Lines, one line per valid payload in input order. Invalid and "
                    "unreadable payloads print no line: their errors go to standard error.",
        epilog="Exit status: 0 all valid, 1 some payload invalid, 2 usage error or unreadable input.",
    )
    normalize.add_argument("operation", metavar="OPERATION", help="an operation id, such as getbill.create_debt")
    normalize.add_argument("files", metavar="FILE", nargs="+",
                           help="payload files (JSON, YAML, JSON Lines), folders or glob patterns; - is stdin")
    normalize.add_argument("--part", default="request", help="the part to normalize (default: request)")
    normalize.add_argument("--max-bytes", type=_max_bytes, default=MAX_DOCUMENT_BYTES, metavar="N",
                           help="refuse, unread, a payload file larger than N bytes (default 64 MiB)")
    normalize.add_argument("--jsonl", action="store_true", help="read standard input (-) as JSON Lines")

    lint = commands.add_parser(
        "lint", help="check folders of contracts and report every problem",
        description="Load and check contract folders as load_catalog does; print every problem as FILE: at "
                    "POINTER: MESSAGE.", epilog="Exit status: 0 no problem, 2 some problem.",
    )
    lint.add_argument("folders", metavar="DIR", nargs="+", help="a folder laid out like schemas/")
    scaffold = commands.add_parser(
        "import-openapi", help="scaffold a contract folder from one operation of an OpenAPI 3.0 or 3.1 document",
        description="Write operation.yaml and one schema per part (body, headers, path, every response) into DIR, "
                    "component $refs carried over as local $defs; prints what could not be carried over.",
    )
    scaffold.add_argument("file", metavar="FILE", help="the OpenAPI document (JSON or YAML)")
    scaffold.add_argument("--operation", required=True, metavar="OPERATION_ID", help="the operationId to import")
    scaffold.add_argument("--out", required=True, metavar="DIR",
                          help="the operation's folder, such as contracts/acme/create_invoice (created)")
    for command in commands.choices.values():  # every subcommand reads contracts of one's own
        command.add_argument(
            "--schemas", action="append", default=[], metavar="DIR",
            help="a folder of contracts of your own (repeatable), loaded with the shipped ones; default: "
                 "INVOICESPEC_SCHEMAS, else [tool.invoicespec] schemas in the nearest pyproject.toml")
    return parser


def _catalog(args: argparse.Namespace) -> Catalog:
    from invoicespec._contracts import configured_catalog

    return configured_catalog(args.schemas)


def _import_openapi(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from invoicespec.io.openapi_import import import_operation, read_openapi, write_operation

    manifest, files, notes = import_operation(read_openapi(Path(args.file)), args.operation)
    written = write_operation(Path(args.out), manifest, files)
    print(f"wrote {len(written)} files to {args.out}", file=out)
    for note in notes:
        print(f"  note: {note}", file=out)
    return EXIT_VALID


def _lint(args: argparse.Namespace, out: TextIO) -> int:
    from invoicespec.catalog.folders import load_folders

    problems = load_folders([*args.schemas, *args.folders]).problems
    for problem in problems:
        print(problem, file=out)
    shown = ", ".join(args.folders)
    print(f"{shown}: {len(problems)} problem{'s' * (len(problems) != 1)}" if problems else f"{shown}: no problem",
          file=out)
    return EXIT_USAGE if problems else EXIT_VALID


def _whole_number(text: str) -> int:
    if not text.isdigit() or len(text) > 18:
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more, not {text!r}")
    return int(text)


def _add_mock(commands: argparse._SubParsersAction[_Parser]) -> None:
    mock = commands.add_parser(
        "mock", help="serve every operation as a contract mock over HTTP (needs invoicespec[mock])",
        description="Serve every operation of the catalog: a valid request gets the documented success with a "
                    "body from the contract, an invalid one the most fitting documented client error with the "
                    "violations (and an invoicespec-violations header). Prefer: code=NNN, example=N or "
                    "dynamic=true asks for another documented answer. One log line per exchange on stderr.",
    )
    mock.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    mock.add_argument("--port", type=_whole_number, default=8000, metavar="N", help="the port (default 8000; 0: any free)")
    mock.add_argument("--seed", type=_whole_number, default=0, metavar="N",
                      help="picks among the documented bodies; the same seed and request get the same answer")
    mock.add_argument("--no-violations-header", dest="violations_header", action="store_false",
                      help="leave out the invoicespec-violations header")


def _mock(args: argparse.Namespace, err: TextIO) -> int:
    import logging

    try:
        import uvicorn

        from invoicespec.live.app import create_app
    except ImportError as error:
        print(f"invoicespec: error: {error}", file=err)
        return EXIT_USAGE
    catalog = _catalog(args)  # the shipped operations and those of --schemas (or the configured folders)
    app = create_app(seed=args.seed, catalog=catalog.loaded, violations_header_on=args.violations_header)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=err)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info")
    return EXIT_VALID


def _print_errors(errors: Sequence[Error], out: TextIO) -> None:
    for error in errors:
        print(f"  {error_line(error.path, error.keyword, error.message)}", file=out)


def _list(args: argparse.Namespace, out: TextIO) -> int:
    catalog = _catalog(args)
    rows = [catalog.operation_info(op) for op in catalog.operations()]
    if args.format == "json":
        data = [
            {"operation": op.id, "vendor": op.vendor, "method": op.method, "path": op.path,
             "summary": op.summary, "parts": list(op.parts)}
            for op in rows
        ]
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_VALID
    for op in rows:
        print(f"{op.id}  ({op.vendor}: {op.method} {op.path})", file=out)
        print(f"  {op.summary}", file=out)
        print(f"  parts: {', '.join(op.parts)}", file=out)
    return EXIT_VALID


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    checker = _catalog(args).validator(args.operation, args.part)  # unknown names: a usage error, before any input
    return run_batch(checker, args.files, output_format=args.format, jobs=args.jobs, stdin_jsonl=args.jsonl,
                     progress=args.progress, quiet=args.quiet, max_bytes=args.max_bytes, out=out, err=err)


def _normalize(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Each payload the arguments name, normalized: one indented, several as JSON Lines."""
    checker = _catalog(args).validator(args.operation, args.part)
    text_plain = checker.media_type == "text/plain"
    sources = expand_inputs(args.files, text_plain=text_plain, stdin_jsonl=args.jsonl)
    single = len(sources) == 1 and not sources[0].jsonl
    status = EXIT_VALID
    for meta, task in tasks_of(sources, args.max_bytes):
        name = meta.file if meta.line is None else f"{meta.file}:{meta.line}"
        try:
            payload = read_task(task, text_plain=text_plain, max_bytes=args.max_bytes)
        except PayloadFileError as error:
            print(f"{printable(name)}: {printable(str(error))}", file=err)
            status = EXIT_USAGE
            continue
        try:
            normalized = checker.normalize(payload)
        except InvalidPayload as invalid:
            print(f"{printable(name)}: invalid ({error_count(invalid.errors)}), nothing to normalize", file=err)
            _print_errors(invalid.errors, err)
            status = max(status, EXIT_INVALID)  # an unreadable input (2) outranks an invalid one
            continue
        if single:
            json.dump(normalized, out, indent=2, ensure_ascii=False)
            out.write("\n")
        else:
            out.write(json.dumps(normalized, ensure_ascii=False, separators=(",", ":")) + "\n")
    return status


def _docs(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from invoicespec.outputs.docs import build_docs

    written = build_docs(Path(args.out), catalog=_catalog(args))
    print(f"wrote {len(written)} files to {args.out}", file=out)
    return EXIT_VALID


def _openapi(args: argparse.Namespace, out: TextIO) -> int:
    from invoicespec.outputs.openapi import openapi_document

    text = json.dumps(openapi_document(_catalog(args)), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        out.write(text)
    return EXIT_VALID


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    out, err = sys.stdout, sys.stderr
    try:
        if args.command == "list":
            return _list(args, out)
        if args.command == "validate":
            return _validate(args, out, err)
        if args.command == "docs":
            return _docs(args, out)
        if args.command == "openapi":
            return _openapi(args, out)
        if args.command == "lint":
            return _lint(args, out)
        if args.command == "import-openapi":
            return _import_openapi(args, out)
        if args.command == "mock":
            return _mock(args, err)
        return _normalize(args, out, err)
    except InvoicespecError as error:  # unknown operation or part, broken schema folder
        print(f"invoicespec: error: {error}", file=err)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into head: not an error of ours
        sys.stderr.close()
        return EXIT_VALID
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
