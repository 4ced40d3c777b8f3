"""The ``invoicespec`` command line.

    invoicespec list [--format text|json]
    invoicespec validate OPERATION [--part PART] [--format text|json|github|junit] [--jobs N]
                         [--jsonl] [--no-progress] FILE...
    invoicespec normalize OPERATION [--part PART] FILE
    invoicespec docs --out DIR
    invoicespec openapi [--out FILE]
    invoicespec lint DIR...
    invoicespec import-openapi FILE --operation OPERATION_ID --out DIR

Every subcommand takes ``--schemas DIR`` (repeatable): contract folders of your own, loaded with the shipped
operations (see ``invoicespec.load_catalog``). Without it, the folders of ``INVOICESPEC_SCHEMAS`` (separated
by ``os.pathsep``), else those of ``[tool.invoicespec] schemas`` in the nearest ``pyproject.toml``.

Files are JSON or YAML (by extension; otherwise JSON, then YAML); ``-`` reads
standard input. For a part whose media type is ``text/plain`` the file's text is
the payload. ``validate`` also takes folders (searched recursively), quoted glob
patterns and JSON Lines files (``.jsonl``, ``.ndjson``: one payload per line);
see :mod:`invoicespec.io.batch`. Exit status: 0 when every payload is valid, 1
when some payload is invalid, 2 for a usage error or an input that cannot be
read (with a message, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from invoicespec.io.batch import run as run_batch
from invoicespec.io.writers import FORMATS
from invoicespec.io.files import PayloadFileError, read_payload
from invoicespec._errors import Error, InvalidPayload, InvoicespecError, error_line

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


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="invoicespec",
        description="Validate and normalize payloads of invoicing and debt-collection APIs.",
        epilog="Exit status: 0 all valid, 1 some payload invalid, 2 usage error or unreadable file.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    listing = commands.add_parser("list", help="list the operations and their parts")
    listing.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    validate = commands.add_parser(
        "validate", help="validate payload files against one operation part",
        description="Validate payloads against one operation part: files, folders (recursively: .json .yaml "
                    ".yml .jsonl .ndjson, and .txt for text/plain parts), quoted glob patterns (\"fixtures/**/"
                    "*.json\") and JSON Lines files (one payload per line, each named FILE:LINE).",
        epilog="Exit status: 0 all valid, 1 some payload invalid, 2 usage error or unreadable input.",
    )
    validate.add_argument("operation", metavar="OPERATION", help="an operation id, such as getbill.create_debt")
    validate.add_argument("files", metavar="FILE", nargs="+",
                          help="payload files (JSON, YAML, JSON Lines), folders or glob patterns; - is stdin")
    validate.add_argument("--part", default="request", help="the part to validate against (default: request)")
    validate.add_argument("--format", choices=FORMATS, default="text",
                          help="output format: text, json, github (workflow annotations) or junit (XML)")
    validate.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                          help="worker processes (default 1; 0: one per CPU); the output is the same")
    validate.add_argument("--jsonl", action="store_true", help="read standard input (-) as JSON Lines")
    validate.add_argument("--no-progress", dest="progress", action="store_false",
                          help="no progress bar (one is drawn on stderr for large inputs when it is a terminal)")

    docs = commands.add_parser("docs", help="write the Markdown and HTML reference of every operation")
    docs.add_argument("--out", required=True, metavar="DIR", help="the folder to write into (created if missing)")

    openapi = commands.add_parser("openapi", help="print (or write) one OpenAPI 3.1 document for every operation")
    openapi.add_argument("--out", metavar="FILE", help="write the document here instead of standard output")

    normalize = commands.add_parser("normalize", help="print the normalized form of a valid payload as JSON")
    normalize.add_argument("operation", metavar="OPERATION", help="an operation id, such as getbill.create_debt")
    normalize.add_argument("file", metavar="FILE", help="a JSON or YAML payload file; - is stdin")
    normalize.add_argument("--part", default="request", help="the part to normalize (default: request)")

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
                     progress=args.progress, out=out, err=err)


def _normalize(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    checker = _catalog(args).validator(args.operation, args.part)
    shown = "<stdin>" if args.file == "-" else args.file
    try:
        payload = read_payload(args.file, as_text=checker.media_type == "text/plain")
    except PayloadFileError as error:
        print(f"{shown}: {error}", file=err)
        return EXIT_USAGE
    try:
        normalized = checker.normalize(payload)
    except InvalidPayload as invalid:
        print(f"{shown}: invalid ({len(invalid.errors)} errors), nothing to normalize", file=err)
        _print_errors(invalid.errors, err)
        return EXIT_INVALID
    json.dump(normalized, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return EXIT_VALID


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
