"""Where a verdict's time goes, next to jsonschema-rs on the standard keywords only: the profile behind the
``is_valid`` and batch targets that ``run.py`` and ``bench_batch.py`` report as not reached.

    python3 tools/bench/verdict_parts.py                      # the benchmark's valid payloads (1 and 10 items)
    python3 tools/bench/verdict_parts.py --jsonl FILE.jsonl OPERATION    # a JSON Lines file, per record

For each payload, in one process, the least of several timings (the garbage collector off, as ``timeit`` runs):

- **rs std-only**: the contender of ``run.py`` (every ``x-`` keyword dropped);
- **engine**: the jsonschema-rs engine a verdict asks first (the strict lean engine where the part has one), alone;
- **engine, no number bounds**: the same documents rewritten without the bounds that keep numbers within the
  JSON-data range (``rewrite``'s ``_range``): not sound (a 4,000-digit integer would pass), only a measure;
- **checks**: the Python checks generated for the part, run after that engine (the ``x-`` keywords and the
  JSON-data guards: no tuple where an array is allowed, open values);
- **is_valid**: all of it, as users call it.

With ``--jsonl``: the records of the file are parsed (``parse_json_bytes`` against ``orjson.loads``) and
judged (``is_valid`` against the contender), per record, and the split of the verdict as above. This script
reads the fast path's private parts: it is a diagnostic, and moves with the code.
"""

from __future__ import annotations

import argparse
import gc
import sys
import timeit
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import jsonschema_rs  # noqa: E402
import orjson  # noqa: E402

import invoicespec  # noqa: E402
from contenders import _rs  # noqa: E402
from invoicespec.engine import fast, rewrite  # noqa: E402
from invoicespec.io.files import parse_json_bytes  # noqa: E402
from workloads import SHAPES, workloads  # noqa: E402


def least(call: Callable[[], Any], per: int) -> float:
    """µs per item: the least of 5 timings of ``call`` (which handles ``per`` items)."""
    number = max(1, int(0.05 / max(timeit.timeit(call, number=1), 1e-7)))
    return min(timeit.repeat(call, number=number, repeat=5)) / number / per * 1e6


def unbounded_engine(validator: invoicespec.Validator, strict: bool) -> Any:
    """The engine a verdict asks first, compiled again from documents rewritten without the number bounds."""
    plan = fast._plan(validator._catalog)
    uri = validator.schema["$id"]
    bounds, rewrite._range = rewrite._range, lambda node: None
    try:
        documents = {reached: rewrite.rewrite(document, True, plan.guards, lean=True, strict=strict)
                     for reached, document in plan._reached([uri]).items()}
    finally:
        rewrite._range = bounds
    return jsonschema_rs.validator_for(documents[uri], registry=jsonschema_rs.Registry(list(documents.items())),
                                       base_uri=uri, offline=True, validate_formats=True)


def parts(validator: invoicespec.Validator, payloads: list[Any]) -> dict[str, float]:
    """µs per payload of each part of the verdict (every payload must be valid and accepted by the engine)."""
    assert all(validator.is_valid(payload) for payload in payloads)
    path = validator._fast_path()
    strict = path._strict is not None
    engine, checks = (path._strict if strict else (path._compiled, path._check))
    unbounded = unbounded_engine(validator, strict)

    def each(call: Callable[[Any], Any]) -> float:
        return least(lambda: [call(payload) for payload in payloads], len(payloads))

    return {
        "engine": each(engine.is_valid),
        "engine, no number bounds": each(unbounded.is_valid),
        "checks": each(checks) if checks is not None else 0.0,
        "is_valid": each(validator.is_valid),
    }


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def payload_table() -> None:
    columns = ["rs std-only", "engine", "engine, no number bounds", "checks", "is_valid"]
    print(row(["operation", "items", *columns, "engine ÷ rs", "is_valid ÷ rs"]))
    print(row(["---"] * 2 + ["---:"] * (len(columns) + 2)))
    for workload in workloads(tuple(SHAPES)):
        if workload.size not in (None, 1, 10):
            continue
        validator, contender = invoicespec.validator(workload.operation, "request"), _rs(workload.operation)
        figures = {"rs std-only": least(lambda: contender.is_valid(workload.valid), 1)}
        figures.update(parts(validator, [workload.valid]))
        print(row([f"`{workload.operation}`", str(workload.size or "single"),
                   *(f"{figures[column]:.2f}" for column in columns),
                   f"{figures['engine'] / figures['rs std-only']:.2f}",
                   f"{figures['is_valid'] / figures['rs std-only']:.2f}"]))


def jsonl_table(file: Path, operation: str) -> None:
    lines = [line for line in file.read_bytes().splitlines() if line.strip()]
    validator, contender = invoicespec.validator(operation, "request"), _rs(operation)
    values = [orjson.loads(line) for line in lines]
    gc.freeze()  # the parsed records stay: a collection would walk them on every timing
    accepted = [value for value in values if validator.is_valid(value) and validator._fast_path().verdict(value)]
    per = len(lines)
    figures = {
        "orjson.loads": least(lambda: [orjson.loads(line) for line in lines], per),
        "parse_json_bytes": least(lambda: [parse_json_bytes(line) for line in lines], per),
        "rs std-only is_valid": least(lambda: [contender.is_valid(value) for value in values], per),
        "is_valid": least(lambda: [validator.is_valid(value) for value in values], per),
        "errors": least(lambda: [validator.errors(value) for value in values], per),
    }
    print(f"{per:,} records of {operation}, {len(accepted):,} valid\n")
    print(row(["per record", "µs"]))
    print(row(["---", "---:"]))
    for name, figure in figures.items():
        print(row([name, f"{figure:.2f}"]))
    print(f"\nThe verdict on the {len(accepted):,} valid records, split as for payloads (µs per record):\n")
    split = parts(validator, accepted)
    print(row(list(split)))
    print(row(["---:"] * len(split)))
    print(row([f"{figure:.2f}" for figure in split.values()]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", nargs=2, metavar=("FILE", "OPERATION"))
    args = parser.parse_args()
    if args.jsonl:
        jsonl_table(Path(args.jsonl[0]), args.jsonl[1])
    else:
        payload_table()


if __name__ == "__main__":
    main()
