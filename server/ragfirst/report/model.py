"""The decision report's content: typed sections, each one a view of a lint run.

Nothing here reads a source file or matches text: every section is built (build.py) from
the findings `check` produces and the project index of facts the same run linked
(`LintResult.projects`). The renderers (html.py, markdown.py) only format these values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ragfirst.model import Finding


@dataclass(frozen=True, slots=True)
class Evidence:
    """A place in the project that shows something: `path:line`, with what it is."""

    path: str
    line: int
    label: str
    cell: int | None = None

    def where(self) -> str:
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.path}:{cell}{self.line}"


@dataclass(slots=True)
class Rung:
    """One rung of the guide's ladder and what the code shows of it."""

    number: int
    title: str
    what: str
    guide: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.evidence)


@dataclass(slots=True)
class TrainingSite:
    """A training call (RF101/RF102/RF103/RF104/RF105) with the findings on the same call."""

    rule_id: str
    kind: str
    where: Evidence
    provider: str
    model: str | None
    data_file: str | None = None
    examples: int | None = None
    data_problems: list[str] = field(default_factory=list)
    cost_text: str | None = None  # RF203's estimate, as the rule wrote it
    cost_usd: float | None = None
    deadlines: list[str] = field(default_factory=list)  # RF107/RF406 messages on this call
    suppressed_reason: str | None = None
    suppressed: bool = False


@dataclass(slots=True)
class Retrieval:
    """What retrieval the project has, from the project index and the RAG rules."""

    stores: list[Evidence] = field(default_factory=list)  # `retrieval` facts
    indexes: list[Evidence] = field(default_factory=list)  # `vector-index` facts (with dimension)
    embeddings: list[Evidence] = field(default_factory=list)  # `embedding` facts (with model)
    splitters: list[Evidence] = field(default_factory=list)  # `splitter` facts (with sizes)
    rerankers: list[Evidence] = field(default_factory=list)
    hybrid: list[Evidence] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)  # RF301-RF304 findings

    @property
    def present(self) -> bool:
        return bool(self.stores or self.indexes or self.embeddings)


@dataclass(frozen=True, slots=True)
class Budget:
    """A budget or measured spend RF402 read from a config, normalised to a month."""

    where: Evidence
    key: str
    monthly_usd: float


@dataclass(frozen=True, slots=True)
class PaybackInputs:
    """The ROI calculation of docs/guide/before-training.md#roi-calculation.

    Defaults are the guide's; each is a `ragfirst report` option. `monthly_spend` comes
    from the project (the largest budget RF402 read, or --monthly-spend) when it has one.
    """

    monthly_spend: float
    spend_source: str
    implementation_cost: float = 50_000.0
    training_compute: float = 0.0  # the sum of RF203's estimates for this project
    tuned_share: float = 0.40  # a tuned smaller model costs this share of today's spend
    running_share: float = 0.10  # re-training and evaluations, as a share of today's spend
    threshold: float = 10_000.0  # RF402's monthly-threshold
    defaulted: bool = False  # no spend from the project or the user: the threshold stands in

    def monthly_saving(self, spend: float | None = None) -> float:
        spend = self.monthly_spend if spend is None else spend
        return spend * (1.0 - self.tuned_share) - spend * self.running_share

    def payback_months(self, spend: float | None = None) -> float | None:
        """Months until training repays its cost; None when it never does."""
        saving = self.monthly_saving(spend)
        if saving <= 0:
            return None
        return (self.implementation_cost + self.training_compute) / saving


@dataclass(slots=True)
class Spend:
    budgets: list[Budget] = field(default_factory=list)
    threshold_findings: list[Finding] = field(default_factory=list)  # RF402
    gateways_without_budget: list[Finding] = field(default_factory=list)  # RF403
    uncapped: list[Finding] = field(default_factory=list)  # RF401
    keys: list[Finding] = field(default_factory=list)  # RF404, RF405
    payback: PaybackInputs | None = None


@dataclass(slots=True)
class Event:
    """A dated event from the lifecycle tables (RF107) or the retiring models (RF406)."""

    date: dt.date
    rule_id: str
    what: str
    where: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Decision:
    """A suppressed finding: the project's record of a decision, with who and when if git knows."""

    rule_id: str
    rule_name: str
    where: Evidence
    reason: str | None
    author: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class RuleCount:
    rule_id: str
    name: str
    severity: str
    count: int


@dataclass(slots=True)
class ProjectLadder:
    """One project's rungs (a scan of several projects, like samples/, shows each)."""

    name: str
    rungs: list[Rung]

    @property
    def highest(self) -> Rung | None:
        present = [rung for rung in self.rungs if rung.present]
        return present[-1] if present else None


@dataclass(slots=True)
class ProjectReport:
    title: str
    generated: dt.date
    files_checked: int
    findings: list[Finding]  # active (not suppressed)
    severity_counts: dict[str, int]
    rungs: list[Rung]
    training: list[TrainingSite]
    retrieval: Retrieval
    spend: Spend
    timeline: list[Event]
    decisions: list[Decision]
    rule_counts: list[RuleCount]
    blame_used: bool = False
    projects: list[ProjectLadder] = field(default_factory=list)  # only when there are several

    @property
    def highest_rung(self) -> Rung | None:
        present = [rung for rung in self.rungs if rung.present]
        return present[-1] if present else None

    def skipped_rungs(self) -> list[Rung]:
        """Rungs below the highest one the code shows that it does not show."""
        top = self.highest_rung
        if top is None:
            return []
        return [rung for rung in self.rungs if rung.number < top.number and not rung.present]
