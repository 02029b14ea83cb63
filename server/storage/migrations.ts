/**
 * Numbered, forward-only schema migrations. Migration N moves the database
 * from user_version N-1 to N. Never edit a migration that has shipped: add one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: accounts, keys, sessions, mailbox, idempotency keys, server metadata.
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    identity_key BLOB NOT NULL,
    registration_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    -- envelopes waiting for this account; kept in step with the envelopes table
    queued INTEGER NOT NULL DEFAULT 0
  ) STRICT;

  CREATE TABLE auth_tokens (
    token_hash BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX auth_tokens_by_account ON auth_tokens(account_id);

  CREATE TABLE signed_prekeys (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    key_id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    signature BLOB NOT NULL
  ) STRICT;

  CREATE TABLE kyber_last_resort_prekeys (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    key_id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    signature BLOB NOT NULL
  ) STRICT;

  CREATE TABLE one_time_prekeys (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key_id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    PRIMARY KEY (account_id, key_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE one_time_kyber_prekeys (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key_id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (account_id, key_id)
  ) STRICT, WITHOUT ROWID;

  -- AUTOINCREMENT: ids are never reused, so a stream's cursor (id > last sent)
  -- can never skip an envelope stored after the newest one was deleted.
  CREATE TABLE envelopes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guid TEXT NOT NULL UNIQUE,
    destination_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    source_device INTEGER NOT NULL,
    type INTEGER NOT NULL,
    content BLOB NOT NULL,
    client_timestamp INTEGER NOT NULL,
    server_timestamp INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX envelopes_by_destination ON envelopes(destination_id, id);
  CREATE INDEX envelopes_by_age ON envelopes(server_timestamp);

  -- Sender idempotency keys: (source, client guid) -> the envelope it made.
  CREATE TABLE send_receipts (
    source_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    client_guid TEXT NOT NULL,
    digest BLOB NOT NULL,
    envelope_guid TEXT NOT NULL,
    server_timestamp INTEGER NOT NULL,
    PRIMARY KEY (source_id, client_guid)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX send_receipts_by_age ON send_receipts(server_timestamp);
  `,
  // 2: the expiry sweep reads (age, recipient) of the rows it drops; with both in
  // the index it never visits the table's other rows.
  `
  DROP INDEX envelopes_by_age;
  CREATE INDEX envelopes_by_age ON envelopes(server_timestamp, destination_id);
  `,
  // 3: envelopes stored in recipient order (a clustered key), so one recipient's
  // queue sits on a few neighbouring pages instead of one page per envelope
  // among everyone's: a queue page reads, and an ack rewrites, a handful of
  // pages however big the table grows. Such a table cannot AUTOINCREMENT, so
  // envelope_ids keeps the last id handed out: ids are still never reused.
  // The guid index is per recipient (acks name the recipient), so it clusters too.
  `
  CREATE TABLE envelope_ids (
    last_id INTEGER NOT NULL
  ) STRICT;
  INSERT INTO envelope_ids (last_id)
    SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'envelopes'), 0);

  CREATE TABLE envelopes_by_recipient (
    destination_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    guid TEXT NOT NULL,
    source TEXT NOT NULL,
    source_device INTEGER NOT NULL,
    type INTEGER NOT NULL,
    client_timestamp INTEGER NOT NULL,
    server_timestamp INTEGER NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (destination_id, id)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO envelopes_by_recipient
    (destination_id, id, guid, source, source_device, type, client_timestamp, server_timestamp, content)
    SELECT destination_id, id, guid, source, source_device, type, client_timestamp, server_timestamp, content
    FROM envelopes ORDER BY destination_id, id;
  DROP TABLE envelopes;
  ALTER TABLE envelopes_by_recipient RENAME TO envelopes;
  CREATE UNIQUE INDEX envelopes_by_guid ON envelopes(destination_id, guid);
  -- Also holds the clustered key, so the expiry sweep still reads the recipient from it.
  CREATE INDEX envelopes_by_age ON envelopes(server_timestamp);
  `,
  // 4: account ids are never reused. Delivery streams, the token and recipient
  // lookups kept for a second, and the write scripts all name an account by id;
  // with SQLite's default (the largest id + 1), deleting the newest account gave
  // its id to the next one registered, and a stale token, stream or lookup of the
  // deleted account then reached the new one's keys and mailbox. account_ids keeps
  // the last id handed out, as envelope_ids does. No live session survives the
  // restart that runs this, so starting from the largest id left is safe.
  `
  CREATE TABLE account_ids (
    last_id INTEGER NOT NULL
  ) STRICT;
  INSERT INTO account_ids (last_id) SELECT COALESCE(MAX(id), 0) FROM accounts;
  `,
];
