"""Every built-in check by the name rule files use."""

from __future__ import annotations

from ragfirst.checks.base import Check
from ragfirst.checks.browser_keys import BrowserKeyCheck
from ragfirst.checks.lifecycle import LifecycleCheck
from ragfirst.checks.output_caps import OutputCapsCheck
from ragfirst.checks.rag import RagCheck
from ragfirst.checks.retiring_models import RetiringModelCheck
from ragfirst.checks.secrets import SecretsCheck
from ragfirst.checks.spend import SpendCheck
from ragfirst.checks.training_data import TrainingDataCheck
from ragfirst.checks.training_loop import TrainingLoopCheck

CHECKS: dict[str, Check] = {
    check.name: check
    for check in (
        TrainingLoopCheck(),
        TrainingDataCheck(),
        LifecycleCheck(),
        SecretsCheck(),
        BrowserKeyCheck(),
        SpendCheck(),
        OutputCapsCheck(),
        RagCheck(),
        RetiringModelCheck(),
    )
}
