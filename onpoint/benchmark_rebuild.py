"""Benchmark versions: the national benchmarks rebuilt from every campaign's stored whole
scores (method section 5), a new dated BenchmarkVersion only when a cohort changed, then every
campaign's ranks and landmarks refreshed against it; and whether a rebuild is due.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from onpoint.benchmark_reads import benchmark_version_latest
from onpoint.method.benchmarks import (
    CampaignFacts,
    benchmarks_by_stage,
    cohorts,
    eligible,
    growth_shares,
)
from onpoint.method.structure import STAGES
from onpoint.models import Benchmark as BenchmarkRow
from onpoint.models import BenchmarkState, BenchmarkVersion
from onpoint.results_refresh import campaign_results_refresh
from onpoint.standing import scored_campaign_facts
from surveys.models import Campaign

logger = logging.getLogger(__name__)

REBUILT_NEW = "benchmarks rebuilt: new version %s from %s eligible campaigns"
REBUILT_SAME = "benchmarks rebuilt: unchanged, version %s stays current (%s eligible campaigns)"


def _fingerprint(cohort_values: Mapping[str, Mapping[str, Sequence[float]]]) -> str:
    # repr of a float round-trips exactly, so equal fingerprints mean equal cohorts.
    canonical = json.dumps(
        {
            stage: {key: [repr(v) for v in values] for key, values in by_key.items()}
            for stage, by_key in cohort_values.items()
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _all_campaign_facts(now: dt.datetime) -> list[CampaignFacts]:
    """Every scored campaign as CampaignFacts (two queries)."""
    return scored_campaign_facts(Campaign.objects.all(), now=now, every=True)


@dataclass(frozen=True)
class RebuildOutcome:
    version: BenchmarkVersion
    created: bool
    n_eligible: int
    results_changed: int = field(default=0)


def benchmarks_rebuild(
    *, now: dt.datetime | None = None, progress: Callable[[int], object] | None = None
) -> RebuildOutcome:
    """Rebuild the national benchmarks from every campaign's stored whole scores (method
    section 5), then refresh every campaign's ranks and landmarks against them.

    A new BenchmarkVersion is written only when some stage's cohort changed: versions are
    never overwritten, and a rebuild that changes nothing leaves the rows as they were.
    Rebuilds are serialized by the BenchmarkState row's lock.
    """
    now = now or timezone.now()
    with transaction.atomic():
        BenchmarkState.objects.get_or_create(pk=1)
        state = BenchmarkState.objects.select_for_update().get(pk=1)
        facts = _all_campaign_facts(now)
        cohort_values = cohorts(facts)
        fingerprint = _fingerprint(cohort_values)
        n_eligible = sum(1 for f in facts if eligible(f))
        latest = benchmark_version_latest()
        if latest is not None and latest.fingerprint == fingerprint:
            version, created = latest, False
        else:
            benchmarks = benchmarks_by_stage(facts)
            version = BenchmarkVersion.objects.create(
                computed_at=timezone.now(),
                fingerprint=fingerprint,
                n_campaigns=n_eligible,
                growth_shares=growth_shares(benchmarks),
            )
            BenchmarkRow.objects.bulk_create(
                BenchmarkRow(
                    version=version,
                    stage=stage,
                    key=key,
                    n_districts=benchmark.n_districts,
                    published=benchmark.published,
                    mean=benchmark.mean,
                    p10=benchmark.p10,
                    p25=benchmark.p25,
                    p50=benchmark.p50,
                    p75=benchmark.p75,
                    p90=benchmark.p90,
                    cohort=list(cohort_values[stage][key]),
                )
                for stage in STAGES
                for key, benchmark in benchmarks[stage].items()
            )
            created = True
        state.checked_at = now
        state.save(update_fields=["checked_at"])
    logger.info(REBUILT_NEW if created else REBUILT_SAME, version.pk, n_eligible)
    changed = campaign_results_refresh(now=now, progress=progress)
    return RebuildOutcome(
        version=version, created=created, n_eligible=n_eligible, results_changed=changed
    )


def benchmarks_stale(*, now: dt.datetime | None = None) -> bool:
    """Whether a campaign opened or closed since the benchmarks were last rebuilt (or they never
    were, while campaigns exist)."""
    now = now or timezone.now()
    state = BenchmarkState.objects.filter(pk=1).first()
    campaigns = Campaign.objects.all()
    if state is None or state.checked_at is None:
        return campaigns.exists()
    since = state.checked_at
    return (
        campaigns.filter(opens_at__gt=since, opens_at__lte=now).exists()
        or campaigns.filter(closes_at__gt=since, closes_at__lte=now).exists()
    )
