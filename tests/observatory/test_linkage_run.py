from __future__ import annotations

from balise.audit.models import AuditEvent
from balise.linkage.spec import CURRENT
from balise.observatory.models import ChildCluster, LinkageRun, StatFact
from balise.observatory.runs import linkage_run, stable_ids
from tests.conftest import Personas
from tests.observatory.conftest import QUALITY_CHILDREN, Network, Record


def _cluster(network: Network, key: str) -> str:
    return ChildCluster.objects.get(situation_id=network.situations[key].pk).cluster


def test_it_counts_children_across_sectors(network: Network) -> None:
    run = linkage_run(actor=None, quality_children=QUALITY_CHILDREN)
    assert (run.status, run.situations, run.encoded, run.children) == ("succeeded", 6, 5, 4)
    assert _cluster(network, "amina_police") == _cluster(network, "amina_youth")
    assert _cluster(network, "lucas_1") == _cluster(network, "lucas_2")
    assert len({_cluster(network, k) for k in network.situations}) == 4
    assert run.spec_version == str(CURRENT.version)
    assert set(run.quality) >= {"precision", "recall", "f1", "count_error"}
    assert "blocking" in run.parameters
    run.refresh_from_db()
    (estimated,) = run.parameters["estimated"]  # what the engine read from the 5 encodings
    assert estimated["records"] == 5
    assert estimated["twin_share"] == 0.98  # too few records to tell: twins stay apart
    assert len(estimated["m"]) == len(estimated["u"]) == 3
    assert AuditEvent.objects.filter(action="observatory.linkage_run").count() == 1


def test_it_keeps_cluster_ids_across_runs(
    network: Network, personas: Personas, record: Record
) -> None:
    linkage_run(actor=None, quality_children=0)
    before = {key: _cluster(network, key) for key in network.situations}
    second = linkage_run(actor=None, quality_children=0)
    assert {key: _cluster(network, key) for key in network.situations} == before
    assert (second.clusters_kept, second.clusters_new) == (4, 0)
    # Senait met again, by the police: her cluster grows and keeps its id; Nora is new.
    again = record(personas.recorder_a, "senait", detection_month="2025-08")
    nora = record(personas.recorder_a, "nora", detection_month="2025-08")
    third = linkage_run(actor=None, quality_children=0)
    assert _cluster(network, "senait") == before["senait"]
    assert ChildCluster.objects.get(situation_id=again.pk).cluster == before["senait"]
    assert ChildCluster.objects.get(situation_id=nora.pk).cluster not in before.values()
    assert {key: _cluster(network, key) for key in network.situations} == before
    assert (third.children, third.clusters_kept, third.clusters_new) == (5, 4, 1)
    assert LinkageRun.objects.count() == 3


def test_it_gives_the_old_id_to_the_largest_overlap() -> None:
    previous = {1: "old-a", 2: "old-a", 3: "old-a", 4: "old-b"}
    # old-a splits into {1, 2} and {3}; {1, 2} keeps it; {4, 5} keeps old-b; {6} is new.
    ids, kept = stable_ids([[1, 2], [3], [4, 5], [6]], previous, run_id=9)
    assert ids[0] == "old-a"
    assert ids[2] == "old-b"
    assert ids[1] not in ("old-a", "old-b")
    assert ids[3] not in ("old-a", "old-b")
    assert kept == 2
    assert stable_ids([[1, 2], [3], [4, 5], [6]], previous, run_id=9) == (ids, kept)


def test_it_writes_facts_without_identity_or_notes(linked: Network) -> None:
    fact = StatFact.objects.get(situation_id=linked.situations["senait"].pk)
    assert (fact.sector, fact.year, fact.quarter, fact.province) == ("youth_aid", 2025, 2, "04000")
    assert (fact.age_group, fact.gender, fact.citizenship_group) == ("p_12_17", "girl", "non_eu")
    assert fact.main_form == "trafficking_sexual"
    names = {f.name for f in StatFact._meta.get_fields()}
    assert not names & {"identity_encoding", "note_ciphertext", "reference", "organisation"}
    assert StatFact.objects.get(situation_id=linked.situations["unencoded"].pk).age_group == (
        "unknown"
    )
