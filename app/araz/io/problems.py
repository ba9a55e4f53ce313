"""Problems found while reading a file: where, and what is wrong, in one line."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.dataset import Dataset


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    message: str
    record: str | None = None  # the id or row the problem belongs to, when known
    severity: str = "error"  # error: the record was skipped or is wrong; warning: kept

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class LoadResult:
    """What a reader returns: the dataset built from the valid records, and the rest."""

    dataset: Dataset | None
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0
    merged: int = 0  # rows merged into the event of an earlier row (ACLED, one per actor)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per loading phase
    # read_path(ask_mapping=True) on GeoJSON, CSV or a GIS layer whose date field it
    # cannot guess, or a GIS file of several layers (a workbook of several sheets): the
    # guess (as from geojson.guess_columns; "layers" and "layer_properties" for a file
    # of several layers, "kind": "table" for a CSV or a sheet) for the caller to ask
    # about; dataset None
    mapping: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class Reporter:
    """The problems of one file, in one shape for every reader: ``report(line, message,
    record, severity)``; ``about(record, message)`` for formats without line numbers
    (the message then reads "record: message")."""

    def __init__(self, file: object, problems: list[Problem] | None = None):
        self.file = str(file)
        self.problems: list[Problem] = [] if problems is None else problems

    def report(
        self, line: int | None, message: str, record: str | None = None, severity: str = "error"
    ) -> None:
        self.problems.append(Problem(self.file, line, message, record, severity))

    def about(self, record: str, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(self.file, None, f"{record}: {message}", record, severity))


class ReadError(Exception):
    """A file could not be read at all (missing, not text, not the format)."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem
