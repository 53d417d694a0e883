"""Batch transform with SageMaker's semantics, on one machine.

What SageMaker does with `split_type="Line"`, `strategy="MultiRecord"`, `input_filter`,
`join_source="Input"`, `output_filter` and `assemble_with="Line"`, done here by calling the
model's own handlers (training/inference.py):
- every input file is split into lines; lines are sent in mini-batches;
- the input filter picks the fields the model sees (`$[1:]`: all but the flight id);
- each result line is appended to its whole input line (join with the input);
- the output filter picks the fields kept (`$[0,-1]`: flight id and score);
- one `<input file name>.out` per input file, written only when the whole file succeeded.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BATCH_LINES = 5000  # a mini-batch; SageMaker bounds it by MaxPayloadInMB instead

_PATH = re.compile(r"^\$(?:\[(?P<body>[^\]]*)\])?$")


class TransformError(ValueError):
    """A file that could not be transformed: names the file, line and reason."""


def parse_filter(expr: str) -> Callable[[list[str]], list[str]]:
    """The JSONPath subset SageMaker documents for CSV records: `$`, `$[i]`, `$[i,j,…]`,
    `$[a:b]` (negative indices count from the end)."""
    match = _PATH.match(expr.replace(" ", ""))
    if match is None:
        raise ValueError(f"unsupported filter {expr!r}: use $, $[i], $[i,j] or $[a:b]")
    body = match.group("body")
    if body is None:
        return lambda fields: fields
    if ":" in body:
        start, _, stop = body.partition(":")
        if ":" in stop:
            raise ValueError(f"unsupported filter {expr!r}: slices take no step")
        a = int(start) if start else None
        b = int(stop) if stop else None
        return lambda fields: fields[a:b]
    try:
        indices = [int(i) for i in body.split(",")]
    except ValueError:
        raise ValueError(f"unsupported filter {expr!r}: indices must be integers") from None
    return lambda fields: [fields[i] for i in indices]


def _fields(line: str) -> list[str]:
    return next(csv.reader([line]))


def _line(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def _plain_line(fields: list[str]) -> str:
    # What csv.writer writes for fields holding no quote, comma or line break.
    return '""' if fields == [""] else ",".join(fields)


@dataclass(frozen=True)
class _Csv:
    """How a file's records are split and written: the csv module's reading of RFC 4180, or,
    for a file without a double quote (every numeric feature file), plain commas, which read
    and write the same fields five times faster."""

    split: Callable[[str], list[str]]
    join: Callable[[list[str]], str]

    @classmethod
    def of(cls, text: str) -> _Csv:
        if '"' in text:
            return cls(_fields, _line)
        return cls(lambda line: line.split(","), _plain_line)


@dataclass
class TransformResult:
    files: int = 0
    records: int = 0
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass
class Handlers:
    """The four SageMaker inference handlers of one model."""

    model: Any
    input_fn: Callable[[str, str], Any]
    predict_fn: Callable[[Any, Any], Any]
    output_fn: Callable[[Any, str], str]

    @classmethod
    def load(cls, model_dir: str) -> Handlers:
        from training import inference

        return cls(
            inference.model_fn(model_dir),
            inference.input_fn,
            inference.predict_fn,
            inference.output_fn,
        )

    def invoke(self, body: str, content_type: str, accept: str) -> list[str]:
        data = self.input_fn(body, content_type)
        return self.output_fn(self.predict_fn(data, self.model), accept).splitlines()


def _batch(
    handlers: Handlers,
    lines: list[str],
    pick: Callable,
    content_type: str,
    accept: str,
    fmt: _Csv = _Csv(_fields, _line),
) -> list[str]:
    body = "".join(fmt.join(pick(fmt.split(line))) + "\n" for line in lines)
    results = handlers.invoke(body, content_type, accept)
    if len(results) != len(lines):
        raise ValueError(f"{len(lines)} records in, {len(results)} results out")
    return results


def _transform_file(
    handlers: Handlers,
    source: Path,
    pick: Callable,
    keep: Callable,
    join: bool,
    content_type: str,
    accept: str,
) -> list[str]:
    text = source.read_text()
    fmt = _Csv.of(text)
    lines = [line for line in text.splitlines() if line.strip()]
    out = []
    for start in range(0, len(lines), BATCH_LINES):
        chunk = lines[start : start + BATCH_LINES]
        try:
            results = _batch(handlers, chunk, pick, content_type, accept, fmt)
            for offset, (line, r) in enumerate(zip(chunk, results, strict=True)):
                quoted = '"' in r  # then the result's fields may hold commas: csv both ways
                result = _fields(r) if quoted or not r else r.split(",")
                record = fmt.split(line) + result if join else result
                try:
                    out.append((_line if quoted else fmt.join)(keep(record)))
                except IndexError:
                    raise TransformError(
                        f"{source}: line {start + offset + 1}: the output filter picks a field "
                        f"the record ({len(record)} fields) does not have"
                    ) from None
        except TransformError:
            raise
        except Exception as exc:
            # Find the record that breaks the batch, to name its line.
            for offset, line in enumerate(chunk):
                try:
                    _batch(handlers, [line], pick, content_type, accept)
                except Exception as bad:
                    raise TransformError(
                        f"{source}: line {start + offset + 1}: {type(bad).__name__}: {bad}"
                    ) from None
            raise TransformError(f"{source}: {type(exc).__name__}: {exc}") from None
    return out


def run(
    model_dir: str,
    input_dir: str,
    output_dir: str,
    *,
    content_type: str = "text/csv",
    accept: str = "text/csv",
    input_filter: str = "$",
    output_filter: str = "$",
    join_source: str = "None",
    handlers: Handlers | None = None,
) -> TransformResult:
    """Transform every file under `input_dir` into `output_dir`, keeping relative paths."""
    started = time.perf_counter()
    if join_source not in ("Input", "None"):
        raise ValueError(f"join_source must be Input or None, not {join_source!r}")
    pick = parse_filter(input_filter)
    keep = parse_filter(output_filter)
    handlers = handlers or Handlers.load(model_dir)
    root, target = Path(input_dir), Path(output_dir)
    result = TransformResult()
    sources = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not sources:
        raise TransformError(f"{root}: no input files")
    for source in sources:
        rel = source.relative_to(root)
        out = target / rel.parent / f"{rel.name}.out"
        try:
            lines = _transform_file(
                handlers, source, pick, keep, join_source == "Input", content_type, accept
            )
        except TransformError as exc:
            result.failures.append(str(exc))
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.partial")
        partial.write_text("".join(f"{line}\n" for line in lines))
        os.replace(partial, out)  # all of the file's output, or none of it
        result.files += 1
        result.records += len(lines)
        result.outputs.append(str(out))
    result.seconds = time.perf_counter() - started
    return result
