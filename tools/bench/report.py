"""The Markdown report and the targets, from the raw numbers ``run.py`` collects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from contenders import CONTENDERS, FASTJSONSCHEMA_FORMATS
from timing import QUICK_LOOPS
from workloads import MANY_FAULTS

__all__ = ["Target", "render", "targets"]

Key = tuple[str, int | None, str, str]  # operation, size, variant, contender


@dataclass(frozen=True)
class Target:
    """One PASS/FAIL line: what is asked, of which payload, the value found and whether it meets the limit."""

    name: str
    subject: str
    value: float
    shown: str
    passed: bool


def index(results: list[dict]) -> dict[Key, float | None]:
    """Median microseconds by (operation, size, variant, contender); None where the contender is n/a."""
    return {(r["operation"], r["size"], r["variant"], r["contender"]): r["median_us"] for r in results}


def _rows(run: dict) -> Iterator[tuple[str, int | None]]:
    for workload in run["workloads"]:
        yield workload["operation"], workload["size"]


def _items(size: int | None) -> str:
    return "single (no item array)" if size is None else str(size)


def _subject(operation: str, size: int | None) -> str:
    return f"`{operation}`" + (" (single payload)" if size is None else f", {size} item{'s' if size != 1 else ''}")


def _us(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def _ratio(reference: float | None, value: float | None) -> str:
    if reference is None or value is None:
        return "n/a"
    ratio = reference / value
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:,.0f}×"


def _cell(times: dict[Key, float | None], row: tuple, contender: str, reference: str) -> str:
    """``µs (× reference)``: the contender's time and how many times faster than the reference it is."""
    value = times[(*row, contender)]
    if value is None:
        return "n/a"
    return f"{_us(value)} ({_ratio(times[(*row, reference)], value)})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _payloads_table(run: dict) -> list[str]:
    rows = []
    for payload in run["payloads"]:
        where = f"last item: `{payload['fault_at']}`" if payload["item_array"] else f"`{payload['fault_at']}`"
        rows.append([
            f"`{payload['operation']}`",
            f"`{payload['item_array']}`" if payload["item_array"] else "none",
            ", ".join(_items(size) for size in payload["sizes"]),
            f"{where} = `{json.dumps(payload['fault_value'])}` ({payload['fault_keyword']})",
        ])
    return _table(["operation", "item array", "items", "fault in the invalid payload"], rows)


def _valid_table(run: dict, times: dict[Key, float | None]) -> list[str]:
    header = ["operation", "items", CONTENDERS["floor"], CONTENDERS["baseline.is_valid"],
              CONTENDERS["rs.is_valid"], CONTENDERS["fastjsonschema.validate"], CONTENDERS["invoicespec.is_valid"],
              "is_valid × baseline", "is_valid vs rs", CONTENDERS["baseline.iter_errors"],
              CONTENDERS["invoicespec.errors"]]
    rows = []
    for operation, size in _rows(run):
        row = (operation, size, "valid")
        ours = times[(*row, "invoicespec.is_valid")]
        rows.append([
            f"`{operation}`", _items(size),
            _cell(times, row, "floor", "baseline.is_valid"),
            _us(times[(*row, "baseline.is_valid")]),
            _cell(times, row, "rs.is_valid", "baseline.is_valid"),
            _cell(times, row, "fastjsonschema.validate", "baseline.is_valid"),
            _us(ours),
            _ratio(times[(*row, "baseline.is_valid")], ours),
            _ratio(times[(*row, "rs.is_valid")], ours),
            _us(times[(*row, "baseline.iter_errors")]),
            _cell(times, row, "invoicespec.errors", "baseline.iter_errors"),
        ])
    return _table(header, rows)


def _invalid_table(run: dict, times: dict[Key, float | None]) -> list[str]:
    header = ["operation", "items", CONTENDERS["baseline.iter_errors"], CONTENDERS["invoicespec.errors"],
              "errors × baseline", CONTENDERS["baseline.is_valid"], CONTENDERS["rs.is_valid"],
              CONTENDERS["fastjsonschema.validate"], CONTENDERS["invoicespec.is_valid"]]
    rows = []
    for operation, size in _rows(run):
        row = (operation, size, "invalid")
        rows.append([
            f"`{operation}`", _items(size),
            _us(times[(*row, "baseline.iter_errors")]),
            _us(times[(*row, "invoicespec.errors")]),
            _ratio(times[(*row, "baseline.iter_errors")], times[(*row, "invoicespec.errors")]),
            _us(times[(*row, "baseline.is_valid")]),
            _cell(times, row, "rs.is_valid", "baseline.is_valid"),
            _cell(times, row, "fastjsonschema.validate", "baseline.is_valid"),
            _cell(times, row, "invoicespec.is_valid", "baseline.is_valid"),
        ])
    return _table(header, rows)


def _many_faults_table(run: dict, times: dict[Key, float | None]) -> list[str]:
    rows = []
    for operation, size in _rows(run):
        row = (operation, size, "many faults")
        if (*row, "invoicespec.errors") not in times:
            continue
        rows.append([
            f"`{operation}`", _items(size),
            _us(times[(*row, "jsonschema.iter_errors")]),
            _us(times[(*row, "baseline.iter_errors")]),
            _us(times[(*row, "invoicespec.errors")]),
            _ratio(times[(*row, "jsonschema.iter_errors")], times[(*row, "invoicespec.errors")]),
        ])
    return _table(["operation", "items", CONTENDERS["jsonschema.iter_errors"], CONTENDERS["baseline.iter_errors"],
                   CONTENDERS["invoicespec.errors"], "errors × python-jsonschema std-only"], rows)


def _normalize_table(run: dict, times: dict[Key, float | None]) -> list[str]:
    rows = []
    for operation, size in _rows(run):
        row = (operation, size, "valid")
        is_valid, normalize = times[(*row, "invoicespec.is_valid")], times[(*row, "invoicespec.normalize")]
        rows.append([f"`{operation}`", _items(size), _us(is_valid), _us(normalize),
                     "n/a" if is_valid is None or normalize is None else f"{normalize / is_valid:.2f}×"])
    return _table(["operation", "items", CONTENDERS["invoicespec.is_valid"], CONTENDERS["invoicespec.normalize"],
                   "normalize ÷ is_valid"], rows)


def _phone_table(run: dict, times: dict[Key, float | None]) -> list[str]:
    rows = []
    for operation, size in _rows(run):
        plain = (operation, size, "without a phone")
        if (*plain, "invoicespec.is_valid") not in times:
            continue
        valid = (operation, size, "valid")
        rows.append([f"`{operation}`", _items(size),
                     f"{_us(times[(*valid, 'invoicespec.is_valid')])} / {_us(times[(*valid, 'rs.is_valid')])}",
                     _inverse_ratio(times[(*valid, "rs.is_valid")], times[(*valid, "invoicespec.is_valid")]),
                     f"{_us(times[(*plain, 'invoicespec.is_valid')])} / {_us(times[(*plain, 'rs.is_valid')])}",
                     _inverse_ratio(times[(*plain, "rs.is_valid")], times[(*plain, "invoicespec.is_valid")])])
    return _table(["operation", "items", "with its phone: invoicespec / rs µs", "invoicespec ÷ rs",
                   "without a phone: invoicespec / rs µs", "invoicespec ÷ rs"], rows)


def _inverse_ratio(reference: float | None, value: float | None) -> str:
    return "n/a" if reference is None or value is None else f"{value / reference:.2f}×"


def targets(run: dict, phone_or_iban: set[str]) -> list[Target]:
    """Every target, for each operation and size where it applies."""
    times = index(run["results"])
    found = []

    def at_least(name: str, subject: str, ratio: float, limit: float) -> None:
        found.append(Target(name, subject, ratio, f"{ratio:.2f}× (needs ≥ {limit:g}×)", ratio >= limit))

    def at_most(name: str, subject: str, ratio: float, limit: float) -> None:
        found.append(Target(name, subject, ratio, f"{ratio:.2f}× (needs ≤ {limit:g}×)", ratio <= limit))

    def time_of(operation: str, size: int | None, variant: str, contender: str) -> float:
        value = times[(operation, size, variant, contender)]
        if value is None:
            raise ValueError(f"{contender} has no time for {operation} {size} {variant}")
        return value

    for operation, size in _rows(run):
        at_least("is_valid ≥ 25× baseline is_valid (valid payloads)", _subject(operation, size),
                 time_of(operation, size, "valid", "baseline.is_valid")
                 / time_of(operation, size, "valid", "invoicespec.is_valid"), 25)
    for operation, size in _rows(run):
        variant = "valid" if operation not in phone_or_iban else "without a phone"
        if (operation, size, variant, "invoicespec.is_valid") in times:
            at_most(f"is_valid ≤ 1.5× jsonschema-rs std-only ({variant} payloads)", _subject(operation, size),
                    time_of(operation, size, variant, "invoicespec.is_valid")
                    / time_of(operation, size, variant, "rs.is_valid"), 1.5)
    for operation, size in _rows(run):
        at_most("normalize ≤ 3× is_valid (valid payloads)", _subject(operation, size),
                time_of(operation, size, "valid", "invoicespec.normalize")
                / time_of(operation, size, "valid", "invoicespec.is_valid"), 3)
    for operation, size in _rows(run):
        at_least("errors ≥ 5× baseline iter_errors (one fault)", _subject(operation, size),
                 time_of(operation, size, "invalid", "baseline.iter_errors")
                 / time_of(operation, size, "invalid", "invoicespec.errors"), 5)
    for operation, size in _rows(run):
        if (operation, size, "many faults", "invoicespec.errors") in times:
            at_least("errors ≥ 5× python-jsonschema std-only iter_errors (many faults)", _subject(operation, size),
                     time_of(operation, size, "many faults", "jsonschema.iter_errors")
                     / time_of(operation, size, "many faults", "invoicespec.errors"), 5)
    cold = run["cold_start_ms"]["median"] - run["cold_start_ms"]["bare_python_median"]
    found.append(Target("cold start ≤ 150 ms over `python -c pass`", "import and first is_valid", cold,
                        f"{cold:.0f} ms (medians)", cold <= 150))
    peak = run["memory"]["every_subschema_mib"]
    found.append(Target("peak RSS < 60 MB", "every part compiled, both engines, and every subschema error reports "
                        "may consult", peak, f"{peak:.1f} MiB", peak < 60))
    return found


def _notes(run: dict) -> list[str]:
    unavailable = sorted({(r["operation"], r["contender"], r["reason"]) for r in run["results"] if r["reason"]})
    lines = [
        "- **floor**: a recursive walk visiting every value with `isinstance` dispatch and checking nothing, the "
        "least any Python-level validator spends.",
        "- **baseline**: stock `jsonschema.Draft202012Validator` extended (`validators.extend`) with the library's "
        "`x-` keyword functions and its `readOnly` assertion, with the shipped registry and the library's format "
        "checker. Unlike invoicespec it has no JSON-data guard (NaN, non-string keys, depth) and runs `pattern` "
        "with Python's `re`, where `$` also matches before a final newline.",
        "- **jsonschema-rs std-only**: every shipped document with its `x-` keywords dropped and `$schema` set to "
        "draft 2020-12; formats it does not know (`date-time-optional-offset`, `local-date-time`) are ignored, "
        "and `readOnly` is an annotation. It checks less than invoicespec (no phone, IBAN, digit or relational "
        "rule), so the comparison flatters it.",
        "- **fastjsonschema std-only**: the same standard-only schema bundled into one draft-07 document: each "
        "referenced document under `definitions`, `$defs` renamed `definitions`, `dependentRequired`/"
        "`dependentSchemas` turned into `dependencies`, `prefixItems` into array `items`, and a `$ref` with "
        "siblings moved into `allOf` (draft 07 ignores a `$ref`'s siblings). Caveats: `pattern` runs on "
        "Python's `re` (not ECMA-262); its own `date`/`date-time`/`email`/`uri` formats are shape-only regexes "
        "(no calendar check); " + ", ".join(f"`{name}`" for name in FASTJSONSCHEMA_FORMATS) + " get simple "
        "shape-only regexes here; `enum`/`const` compare with Python's `==`, so `true` equals `1`; "
        "`use_default=False`, else it would write defaults into the payload.",
        "- Payloads: each operation's richest schema example with its item array grown to n items (idents made "
        "unique, section ranks 1..n, values varied per item); the invalid variant has one fault in the last "
        "item (or at the top level when there is no item array), one that standard keywords catch. Every "
        "verdict was checked before timing.",
    ]
    lines += [f"- {CONTENDERS[key]} is n/a for `{operation}`: {reason}." for operation, key, reason in unavailable]
    return lines


def _cold_start_and_memory(run: dict) -> list[str]:
    cold, memory = run["cold_start_ms"], run["memory"]
    command = "import invoicespec; invoicespec.is_valid('getbill.create_debt', <its every-field example>)"
    return [
        f"- Cold start, `python -c \"{command}\"`: median {cold['median']:.0f} ms over "
        f"{len(cold['samples'])} run(s) (min {min(cold['samples']):.0f}, max {max(cold['samples']):.0f}); "
        f"`python -c pass`: median {cold['bare_python_median']:.0f} ms.",
        f"- Peak RSS with both engines of every part of every operation compiled and one example of each request "
        f"part validated: {memory['all_parts_mib']:.1f} MiB; with, in addition, every subschema compiled that "
        f"error reports may consult (they compile one by one as reports need them: the worst case): "
        f"{memory['every_subschema_mib']:.1f} MiB (bare `python -c pass`: {memory['bare_python_mib']:.1f} MiB).",
    ]


def render(run: dict, found: list[Target]) -> str:
    """The whole report, as Markdown."""
    machine, settings = run["machine"], run["settings"]
    times = index(run["results"])
    versions = ", ".join(f"{name} {version}" for name, version in machine["versions"].items())
    if run["quick"]:
        timing = f"**quick run**: 1 sample of {QUICK_LOOPS} calls each; the numbers and the targets below mean nothing"
    else:
        timing = (f"median of {settings['samples']} samples of about {settings['seconds']} s each "
                  "(`time.perf_counter`, garbage collector on)")
    lines = [
        "# invoicespec benchmark: request bodies",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['platform']}",
        f"- Python {machine['python']}",
        f"- Versions: {versions}",
        f"- Timing: {timing}. Times are µs per call; `(N×)` is the reference's time divided by the contender's "
        "(higher is faster): baseline is_valid for is_valid columns, baseline iter_errors for errors columns. "
        "\"is_valid vs rs\" is jsonschema-rs's time divided by invoicespec's.",
        "",
        "## Payloads",
        "",
        *_payloads_table(run),
        "",
        "## Valid payloads",
        "",
        *_valid_table(run, times),
        "",
        "## Invalid payloads (one fault each)",
        "",
        *_invalid_table(run, times),
        "",
        "## Error reports on many faults",
        "",
        f"The payloads of {MANY_FAULTS} or more items with the one-fault payload's fault in every "
        f"(items ÷ {MANY_FAULTS})-th item: {MANY_FAULTS} faults.",
        "",
        *_many_faults_table(run, times),
        "",
        "## normalize",
        "",
        *_normalize_table(run, times),
        "",
        "## Phone numbers",
        "",
        "`phonenumbers` parses each phone number in Python; the same valid payload with its optional phone "
        "fields left out shows what the rest costs.",
        "",
        *_phone_table(run, times),
        "",
        "## Cold start and memory",
        "",
        *_cold_start_and_memory(run),
        "",
        "## Notes",
        "",
        *_notes(run),
        "",
        "## Targets",
        "",
    ]
    if run["quick"]:
        lines += ["Quick run: the timing targets below are not meaningful.", ""]
    lines += [f"{'PASS' if t.passed else 'FAIL'}  {t.name}: {t.subject}: {t.shown}" for t in found]
    failed = sum(not t.passed for t in found)
    lines += ["", f"{len(found) - failed} of {len(found)} targets met; {failed} failed."]
    return "\n".join(lines) + "\n"
