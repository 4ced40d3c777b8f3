"""The ``invoicespec`` command line.

    invoicespec list [--format text|json]
    invoicespec validate OPERATION [--part PART] [--format text|json|github|junit] [--jobs N]
                         [--jsonl] [--no-progress] FILE...
    invoicespec normalize OPERATION [--part PART] FILE
    invoicespec docs --out DIR
    invoicespec openapi [--out FILE]
    invoicespec mock [--host HOST] [--port N] [--seed N] [--schemas DIR] [--no-violations-header]

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
from typing import NoReturn, TextIO

import invoicespec
from invoicespec.io.batch import run as run_batch
from invoicespec.io.writers import FORMATS
from invoicespec.io.files import PayloadFileError, read_payload
from invoicespec._errors import Error, InvalidPayload, InvoicespecError, error_line

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

    _add_mock(commands)

    normalize = commands.add_parser("normalize", help="print the normalized form of a valid payload as JSON")
    normalize.add_argument("operation", metavar="OPERATION", help="an operation id, such as getbill.create_debt")
    normalize.add_argument("file", metavar="FILE", help="a JSON or YAML payload file; - is stdin")
    normalize.add_argument("--part", default="request", help="the part to normalize (default: request)")
    return parser


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
    mock.add_argument("--schemas", metavar="DIR", help="serve the operations of this schema folder instead")
    mock.add_argument("--no-violations-header", dest="violations_header", action="store_false",
                      help="leave out the invoicespec-violations header")


def _mock(args: argparse.Namespace, err: TextIO) -> int:
    import logging
    from pathlib import Path

    try:
        import uvicorn

        from invoicespec.live.app import create_app
    except ImportError as error:
        print(f"invoicespec: error: {error}", file=err)
        return EXIT_USAGE
    from invoicespec.catalog.load import load_catalog

    if args.schemas and not Path(args.schemas).is_dir():
        print(f"invoicespec: error: {args.schemas} is not a folder of schemas", file=err)
        return EXIT_USAGE
    catalog = load_catalog(Path(args.schemas)) if args.schemas else None
    app = create_app(seed=args.seed, catalog=catalog, violations_header_on=args.violations_header)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=err)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info")
    return EXIT_VALID


def _print_errors(errors: Sequence[Error], out: TextIO) -> None:
    for error in errors:
        print(f"  {error_line(error.path, error.keyword, error.message)}", file=out)


def _list(args: argparse.Namespace, out: TextIO) -> int:
    rows = [invoicespec.operation_info(op) for op in invoicespec.operations()]
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
    checker = invoicespec.validator(args.operation, args.part)  # unknown names: a usage error, before any input
    return run_batch(checker, args.files, output_format=args.format, jobs=args.jobs, stdin_jsonl=args.jsonl,
                     progress=args.progress, out=out, err=err)


def _normalize(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    checker = invoicespec.validator(args.operation, args.part)
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

    written = build_docs(Path(args.out))
    print(f"wrote {len(written)} files to {args.out}", file=out)
    return EXIT_VALID


def _openapi(args: argparse.Namespace, out: TextIO) -> int:
    from invoicespec.outputs.openapi import openapi_document

    text = json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
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
