"""Linkage runs: cluster every stored encoding into children, keep cluster ids stable, and
rewrite the pseudonymised statistical facts the dashboards and releases read.

The engine is ``balise.linkage`` (framework-free). Encodings are stored encrypted
(``balise.situations.encodings``) and this is the one place they are decrypted, in memory, for
the run. Encodings made under different keys or spec versions are never compared: each
(version, key) group is deduplicated on its own; a situation without an encoding, or with one of
a version the engine cannot link, is a child of its own. The run records how many records each
version holds, so a network moving to a new spec sees what is left to re-encode. A new cluster
takes the id of the previous run's cluster it shares most situations with (ties broken by the
smallest situation id, then the old id), so ids stay put wherever membership does not change.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from balise.accounts.models import User
from balise.audit.services import record_event
from balise.observatory.facts import SOURCE_LOOKUPS, FactSource, Positions, fact_from, source_of
from balise.observatory.models import ChildCluster, LinkageRun, StatFact
from balise.situations.encodings import EncodingIntegrityError, open_sealed

if TYPE_CHECKING:
    # the engine is imported where it runs (numba compiles on first import); types only here
    from balise.linkage.dedupe import DedupeParams
    from balise.linkage.interval import ChildrenEstimate
    from balise.linkage.kernels import Words
    from balise.linkage.scoring import ScoringModel

Progress = Callable[[int, int | None, str | None], None]

QUALITY_SET_CHILDREN = 1500  # synthetic children in the synthetic quality set
QUALITY_SET_SEED = 20260101
_BATCH = 5000

_ENCODING_LOOKUPS: Final = (
    "identity_ciphertext",
    "identity_version",
    "identity_key_id",
    "organisation_id",  # binds the ciphertext (associated data); not kept in the facts
)


def _no_progress(done: int, total: int | None = None, stage: str | None = None) -> None:
    return None


def dedupe_params() -> DedupeParams:
    from balise.linkage.dedupe import DedupeParams

    return DedupeParams()


def params_json(params: DedupeParams) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return value.tolist()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        return value

    result = plain(params)
    return result if isinstance(result, dict) else {"params": result}


def measure_quality(params: DedupeParams, n_children: int = QUALITY_SET_CHILDREN) -> dict[str, Any]:
    """Pairwise precision/recall/F1 and count error on the synthetic quality set.

    The set (``balise.linkage.synthetic``) carries every phenomenon of Belgian registers and a
    known truth; it is encoded under a throwaway secret with the same engine and parameters.
    """
    from balise.linkage.dedupe import dedupe_words, words_from_base64
    from balise.linkage.encode import Encoder
    from balise.linkage.evaluation import pairwise_quality
    from balise.linkage.secret import NetworkSecret
    from balise.linkage.synthetic import make_records

    records = make_records(n_children, seed=QUALITY_SET_SEED)
    # The throwaway key's bytes and the stored keys below ("reference", "quality_reference_
    # children") keep their first spelling: changing them would change every measured figure.
    encoder = Encoder(NetworkSecret(hashlib.sha256(b"balise-reference-set").digest()))
    texts = [encoder.encode(r.first_name, r.last_name, r.birth_date, r.sex) for r in records]
    result = dedupe_words(words_from_base64(texts), params)
    truth = [r.child_id for r in records]
    found = result.labels.tolist()
    quality = pairwise_quality(truth, found)
    return {
        "reference": "balise.linkage.synthetic",
        "records": len(records),
        "true_children": quality.true_count,
        "found_children": quality.found_count,
        "precision": round(quality.precision, 4),
        "recall": round(quality.recall, 4),
        "f1": round(quality.f1, 4),
        "count_error": round(quality.count_error, 4),
    }


def _children(estimates: Sequence[ChildrenEstimate], singletons: int) -> dict[str, Any]:
    """Sum of the per-key estimates; situations compared with nothing are children of their
    own. Adding the bounds of independent groups gives an interval at least as wide as theirs."""
    from balise.linkage.interval import METHOD

    return {
        "estimate": singletons + sum(e.estimate for e in estimates),
        "low": singletons + sum(e.low for e in estimates),
        "high": singletons + sum(e.high for e in estimates),
        "coverage": 90,
        "method": METHOD,
    }


def linkable(version: str) -> bool:
    """Whether the engine links encodings of this spec version: every version the linkage
    package knows (each is read in the engine's layout, `kernels.engine_words`); encodings of a
    version this server does not know are never compared with anything, each its own child,
    until their organisation re-encodes them. Versions are never compared with each other."""
    from balise.linkage.spec import SPECS

    return version.isascii() and version.isdigit() and int(version) in SPECS


def _words(raws: Sequence[bytes], version: str) -> Words:
    """The rows of one linkable spec version, as written."""
    from balise.linkage.dedupe import words_from_base64
    from balise.linkage.spec import spec_for

    texts = (base64.b64encode(raw).decode("ascii") for raw in raws)
    return words_from_base64(texts, spec_for(int(version)))


def _cluster_groups(
    encoded: Mapping[tuple[str, str], Sequence[tuple[int, bytes]]],
    unencoded: Sequence[int],
    params: DedupeParams,
    say: Progress,
) -> tuple[list[list[int]], int, int, list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    """Groups of situation ids judged to be one child; candidate and link counts; what the
    engine read from each key's encodings (`estimated_model`); the number of children and its
    90% interval (`_children`); records and children by spec version (`versions`)."""
    from balise.linkage.dedupe import dedupe_words
    from balise.linkage.spec import spec_for

    groups: list[list[int]] = [[pk] for pk in unencoded]
    candidates = links = 0
    estimated: list[dict[str, Any]] = []
    estimates: list[ChildrenEstimate] = []
    by_version: dict[str, dict[str, Any]] = {}
    for (version, _key), members in sorted(encoded.items()):
        linked = linkable(version)
        summary = by_version.setdefault(
            version, {"version": version, "records": 0, "children": 0, "keys": 0, "linked": linked}
        )
        summary["records"] += len(members)
        summary["keys"] += 1
        if not linked:
            groups.extend([pk] for pk, _ in members)
            summary["children"] += len(members)
            continue
        say(0, None, "clusters")
        spec = spec_for(int(version))
        rows = _words([raw for _, raw in members], version)
        result = dedupe_words(rows, params, interval=True, spec=spec)
        if result.children is not None:
            estimates.append(result.children)
        candidates += result.candidates
        links += result.links
        if result.model is not None:
            estimated.append(estimated_model(result.model, len(members)) | {"version": version})
        clusters: dict[int, list[int]] = defaultdict(list)
        for (pk, _), label in zip(members, result.labels.tolist(), strict=True):
            clusters[int(label)].append(pk)
        groups.extend(clusters.values())
        summary["children"] += len(clusters)
    for group in groups:
        group.sort()
    groups.sort(key=lambda g: g[0])
    records = len(unencoded) + sum(len(members) for members in encoded.values())
    compared = sum(e.records for e in estimates)
    children = _children(estimates, records - compared)
    versions = sorted(by_version.values(), key=lambda v: (len(v["version"]), v["version"]))
    return groups, candidates, links, estimated, children, versions


@dataclass
class SituationsRead:
    """Every situation's fact fields, and the decrypted encodings by (version, key id)."""

    sources: list[FactSource]
    encoded: dict[tuple[str, str], list[tuple[int, bytes]]]
    unencoded: list[int]
    key_ids: set[str]

    @property
    def encoded_count(self) -> int:
        return len(self.sources) - len(self.unencoded)


def read_situations(say: Progress) -> SituationsRead:
    """Every situation's fact fields, and its encoding decrypted into its (version, key) group.

    The plain encodings live only in the returned groups, for the run's duration; the fact
    sources never hold one, nor the organisation id.
    """
    from balise.situations.models import Situation

    read = SituationsRead(sources=[], encoded=defaultdict(list), unencoded=[], key_ids=set())
    rows = (
        Situation.objects.order_by("pk")
        .values_list(*_ENCODING_LOOKUPS, *SOURCE_LOOKUPS, named=True)
        .iterator(chunk_size=_BATCH)
    )
    for row in rows:
        source = source_of(row)
        blob, version, key_id = row.identity_ciphertext, row.identity_version, row.identity_key_id
        if blob is None:
            read.unencoded.append(source.situation_id)
        else:
            try:
                raw = open_sealed(
                    bytes(blob), organisation_id=row.organisation_id, version=version, key_id=key_id
                )
            except EncodingIntegrityError as exc:
                raise EncodingIntegrityError(f"situation {source.situation_id}: {exc}") from None
            read.encoded[(version, key_id)].append((source.situation_id, raw))
        if key_id:
            read.key_ids.add(key_id)
        read.sources.append(source)
        if len(read.sources) % _BATCH == 0:
            say(len(read.sources), None, None)
    return read


def estimated_model(model: ScoringModel, records: int) -> dict[str, Any]:
    """The scoring parameters the engine read from the data (docs/linkage.md §3), for the run's
    record: the link threshold, the share of twin-signature pairs taken for twins, and the m
    and u probabilities by field (first name, last name, birth date) and agreement level."""
    return {
        "records": records,
        "threshold_bits": round(float(model.threshold), 3),
        "twin_share": round(float(model.twin_share), 4),
        "m": [[round(float(v), 5) for v in row] for row in model.m],
        "u": [[round(float(v), 5) for v in row] for row in model.u],
    }


def stable_ids(
    groups: Sequence[Sequence[int]], previous: dict[int, str], run_id: int
) -> tuple[list[str], int]:
    """An id per group: the previous cluster it overlaps most, or a new opaque id.

    Deterministic: overlaps are taken largest first, then by the group's smallest situation id,
    then by the old id; each old id goes to one group at most.
    """
    options: list[tuple[int, int, str, int]] = []
    for index, group in enumerate(groups):
        overlap = Counter(previous[pk] for pk in group if pk in previous)
        options.extend((-count, group[0], old, index) for old, count in overlap.items())
    options.sort()
    ids: list[str | None] = [None] * len(groups)
    taken: set[str] = set()
    kept = 0
    for _negative, _first, old, index in options:
        if ids[index] is None and old not in taken:
            ids[index] = old
            taken.add(old)
            kept += 1
    out = []
    for index, group in enumerate(groups):
        found = ids[index]
        if found is None:
            digest = hashlib.sha256(f"balise-cluster:{run_id}:{group[0]}".encode()).hexdigest()
            found = "c" + digest[:11]
        out.append(found)
    return out, kept


def linkage_run(
    *,
    actor: User | None,
    progress: Progress | None = None,
    quality_children: int = QUALITY_SET_CHILDREN,
) -> LinkageRun:
    """Run the engine over every stored situation; record the run and rewrite the facts.

    The new facts' dashboards are stored afterwards by ``services.dashboards_warm`` (the job
    and the commands call it), outside the run's transaction.
    """
    from balise.linkage.spec import CURRENT
    from balise.situations.models import Situation

    say = progress or _no_progress
    params = dedupe_params()
    run = LinkageRun.objects.create(
        started_by=actor,
        parameters=params_json(params) | {"quality_reference_children": quality_children},
        spec_version=str(CURRENT.version),
    )
    try:
        total = Situation.objects.count()
        say(0, total, "reading")
        read = read_situations(say)
        groups, candidates, links, estimated, children, versions = _cluster_groups(
            read.encoded, read.unencoded, params, say
        )
        read.encoded = {}  # the plain encodings are not needed past clustering
        run.parameters = {**run.parameters, "estimated": estimated, "versions": versions}
        previous = dict(ChildCluster.objects.values_list("situation_id", "cluster"))
        ids, kept = stable_ids(groups, previous, run.pk)
        cluster_of = {pk: cid for group, cid in zip(groups, ids, strict=True) for pk in group}
        child_of = {pk: index for index, group in enumerate(groups) for pk in group}
        say(0, None, "quality")
        quality = measure_quality(params, quality_children) if quality_children else {}
        positions = Positions.load()
        say(0, total, "writing")
        with transaction.atomic():
            ChildCluster.objects.all().delete()
            StatFact.objects.all().delete()
            for start in range(0, len(read.sources), _BATCH):
                chunk = read.sources[start : start + _BATCH]
                ChildCluster.objects.bulk_create(
                    ChildCluster(
                        situation_id=s.situation_id, cluster=cluster_of[s.situation_id], run=run
                    )
                    for s in chunk
                )
                StatFact.objects.bulk_create(
                    fact_from(
                        s,
                        cluster=cluster_of[s.situation_id],
                        child=child_of[s.situation_id],
                        positions=positions,
                    )
                    for s in chunk
                )
                say(start + len(chunk), None, None)
            run.status = LinkageRun.Status.SUCCEEDED
            run.finished_at = timezone.now()
            run.situations = len(read.sources)
            run.encoded = read.encoded_count
            run.children = len(groups)
            run.candidates = candidates
            run.links = links
            run.clusters_kept = kept
            run.clusters_new = len(groups) - kept
            run.quality = {**quality, "children": children}
            run.key_ids = sorted(read.key_ids)
            run.save()
            record_event(
                "observatory.linkage_run",
                actor=actor,
                object_type="linkage_run",
                object_id=run.pk,
                details={
                    "situations": run.situations,
                    "children": run.children,
                    "clusters_kept": kept,
                    "clusters_new": run.clusters_new,
                },
            )
    except (EncodingIntegrityError, ImproperlyConfigured) as exc:
        # Fail closed, and say why: these messages name a situation id or a setting, never data.
        LinkageRun.objects.filter(pk=run.pk).update(
            status=LinkageRun.Status.FAILED, finished_at=timezone.now(), error=str(exc)
        )
        raise
    except Exception:
        LinkageRun.objects.filter(pk=run.pk).update(
            status=LinkageRun.Status.FAILED, finished_at=timezone.now(), error="failed"
        )
        raise
    return run
