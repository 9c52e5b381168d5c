import type { Generated, SqlBool } from 'kysely';
import type { ActionDatabase } from './action-tables.js';

/**
 * The signals engine's tables (migrations 0005, 0006, 0008, 0009, 0011, 0026 and 0030), as Kysely sees them,
 * with the action outbox (0016) its batch commit writes to.
 */
export type EngineDatabase = {
  events: {
    seq: Generated<number>;
    id: string;
    type: string;
    time: string;
    time_ms: number;
    entities_json: string;
    data_json: string;
    received_at: string;
    /** The bus partition a partitioned worker processed the event under; null otherwise (0026). */
    bus_partition: number | null;
  };
  /** The partition count every node of a partitioned deployment uses (one row, 0026). */
  bus_partition_count: { id: number; partitions: number; set_at: string };
  /** Who owns each bus partition, until when on the database's clock (0026). */
  bus_partition_leases: {
    partition: number;
    owner: string | null;
    expires_at_ms: number;
    state_epoch: Generated<number>;
  };
  /** Events logged under one partition whose entities' features also live in another (0030). */
  event_feature_homes: { partition: number; seq: number };
  /** Partitioned workers alive, until when on the database's clock (0026). */
  bus_workers: { id: string; expires_at_ms: number };
  engine_state: {
    name: string;
    processed_seq: number;
    snapshot_seq: number;
    snapshot_json: string | null;
    updated_at: string;
  };
  rule_hits: {
    event_id: string;
    rule_id: string;
    event_seq: number;
    mode: string;
    subject: string | null;
    reason: string;
    effects_json: string;
    time: string;
  };
  labels: {
    entity: string;
    label: string;
    added_at: string;
    expires_at: string | null;
    source: string;
    reason: string;
  };
  entity_links: {
    from_entity: string;
    to_entity: string;
    kind: string;
    first_seen: string;
    last_seen: string;
    count: number;
  };
  typology_contributions: {
    typology: string;
    subject: string;
    rule_id: string;
    event_id: string;
    points: number;
    reason: string;
    time: string;
  };
  cases: {
    id: Generated<number>;
    subject: string;
    status: string;
    priority: string;
    assignee: string | null;
    decision: string | null;
    opened_at: string;
    updated_at: string;
    closed_at: string | null;
    retain_until_ms: number | null;
    held_at: string | null;
    hold_reason: string | null;
    source: Generated<string>;
    typology: Generated<string | null>;
    /** 0/1 in SQLite, boolean in PostgreSQL. */
    imminent: Generated<SqlBool>;
  };
  case_claims: { case_id: number; person: string; claimed_at: string; expires_at: string };
  case_timeline: {
    case_id: number;
    ref: string;
    kind: string;
    time: string;
    summary: string;
    /** The entry's detail; for an entry standing for a logged event, only `{"id", "type"}` (0027). */
    detail_json: string;
    /** The logged event the entry stands for, read back from `events` (0027); null for other entries. */
    event_id: string | null;
  };
  case_comments: {
    id: Generated<number>;
    case_id: number;
    author: string;
    time: string;
    kind: string;
    text: string;
  };
  dead_letters: { event_seq: number; event_id: string; code: string; message: string; failed_at: string };
  event_verdicts: { event_id: string; verdict_json: string | null; committed_at: string };
  audit_log: {
    seq: number;
    time: string;
    actor: string;
    action: string;
    subject: string;
    reason: string;
    detail_json: string;
    previous_hash: string;
    hash: string;
  };
} & ActionDatabase;
