"""The audit log: hash-chained, append-only, verified by a command, refused by PostgreSQL."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from leaderboard.audit.chain import (
    GENESIS_HASH,
    audit_chain_verify,
    audit_record,
    canonical_json,
    entry_hash,
)
from leaderboard.models import AuditEntry, AuditEntryImmutable
from tests.factories import PhaseFactory

pytestmark = pytest.mark.django_db


def three_entries(user=None):
    phase = PhaseFactory(announcement_at=None)
    return [audit_record(user, "phase.publish", phase, {"n": i}, {"n": i + 1}) for i in range(3)]


def test_canonical_json_sorts_keys_has_no_whitespace_and_stringifies_decimals():
    from datetime import UTC, datetime

    value = {"b": Decimal("1.50"), "a": datetime(2026, 1, 15, 0, 0, tzinfo=UTC), "c": "가"}
    assert canonical_json(value) == '{"a":"2026-01-15T00:00:00+00:00","b":"1.50","c":"가"}'


def test_each_entry_chains_to_the_previous_one(evaluator):
    first, second, third = three_entries(evaluator)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash and third.prev_hash == second.entry_hash
    assert third.entry_hash == entry_hash(second.entry_hash, third)
    assert first.actor_label == "evaluator" and first.before == '{"n":0}'
    assert audit_chain_verify().ok
    call_command("verify_audit_log")


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = three_entries()[1]
    entry.action = "something.else"
    with pytest.raises(AuditEntryImmutable):
        entry.save()
    with pytest.raises(AuditEntryImmutable):
        entry.delete()
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.all().delete()


def test_an_entry_altered_in_raw_sql_is_named_by_verify_audit_log(capsys):
    if connection.vendor != "sqlite":
        print("skipped on PostgreSQL: the trigger refuses the UPDATE (see the next test)")
        pytest.skip("PostgreSQL refuses the UPDATE; tested by the trigger test")
    entries = three_entries()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE leaderboard_auditentry SET after = %s WHERE seq = %s",
            ['{"n":99}', entries[1].seq],
        )
    check = audit_chain_verify()
    assert check.broken_seq == entries[1].seq
    with pytest.raises(CommandError, match=f"broken at entry #{entries[1].seq}"):
        call_command("verify_audit_log")


def test_a_deleted_entry_is_found_too():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses the DELETE")
    entries = three_entries()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM leaderboard_auditentry WHERE seq = %s", [entries[1].seq])
    assert audit_chain_verify().broken_seq == entries[2].seq


def test_postgresql_refuses_update_and_delete_in_raw_sql(capsys):
    if connection.vendor != "postgresql":
        with capsys.disabled():
            print(
                "\n  skipped: the append-only trigger exists only on PostgreSQL "
                "(run with DATABASE_URL=postgres://…)"
            )
        pytest.skip("the append-only trigger exists only on PostgreSQL")
    entry = three_entries()[0]
    for sql in (
        "UPDATE leaderboard_auditentry SET after = '{}' WHERE seq = %s",
        "DELETE FROM leaderboard_auditentry WHERE seq = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.seq])
    assert audit_chain_verify().ok


def test_loading_the_program_records_each_score_and_decision_once(program):
    from leaderboard.models import Assessment, Score
    from leaderboard.services import program_load

    imports = AuditEntry.objects.filter(action="score.import").count()
    assert imports == Score.objects.count()
    assert AuditEntry.objects.filter(action="decision.import").count() == Assessment.objects.count()
    total = AuditEntry.objects.count()
    program_load()
    assert AuditEntry.objects.count() == total  # running it again changes nothing
    assert audit_chain_verify().ok


def test_the_transparency_page_lists_published_entries_and_the_public_head_hash(client, program):
    import hashlib

    from leaderboard.audit.chain import public_chain

    response = client.get("/en/transparency/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    chain = public_chain()
    assert response.status_code == 200 and chain.head_hash in html
    assert f"{chain.count} published entries" in html
    first_decision = next(e for e in chain.entries if e.entry.action == "decision.import")
    assert first_decision.public_hash in html
    payload = client.get("/ko/transparency/entries.json").json()
    assert payload["head_hash"] == chain.head_hash and payload["count"] == chain.count
    prev = GENESIS_HASH
    for listed in payload["entries"]:  # anyone can recompute the public chain from the JSON
        entry = {k: v for k, v in listed.items() if k not in ("prev_hash", "public_hash")}
        assert listed["prev_hash"] == prev
        prev = hashlib.sha256((prev + canonical_json(entry)).encode()).hexdigest()
        assert listed["public_hash"] == prev
    assert prev == payload["head_hash"]


def test_a_decision_entry_reads_in_the_readers_language_with_the_outcome_it_recorded(program):
    """The stored label stays as hashed; the page names team, phase and outcome in Korean."""
    from django.utils import translation

    from leaderboard.audit.labels import object_labels

    entries = list(AuditEntry.objects.filter(action="decision.import"))
    nc = next(e for e in entries if e.object_label.startswith("NC AI · First stage"))
    assert nc.object_label.endswith(": eliminated")  # as written, English and a code
    with translation.override("ko"):
        korean = object_labels(entries)[nc.seq]
    with translation.override("en"):
        english = object_labels(entries)[nc.seq]
    assert english == "NC AI · First stage: Eliminated"
    assert "eliminated" not in korean.lower() and "First stage" not in korean
    assert korean.endswith(": 탈락")
