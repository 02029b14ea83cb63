/** Migration N (1-based) takes a database from user_version N-1 to N. Never edit a released one. */
export const MIGRATIONS: readonly string[] = [
  `
  -- This account: one row. registered_at is null until the server accepted it.
  CREATE TABLE account (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    number TEXT NOT NULL,
    identity_key_pair BLOB NOT NULL,
    registration_id INTEGER NOT NULL,
    server_id TEXT,
    registered_at INTEGER
  );

  CREATE TABLE prekeys (
    id INTEGER PRIMARY KEY,
    record BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE signed_prekeys (
    id INTEGER PRIMARY KEY,
    record BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );

  -- last_resort = 1: the Kyber key that is reused once the one-time ones run out.
  CREATE TABLE kyber_prekeys (
    id INTEGER PRIMARY KEY,
    record BLOB NOT NULL,
    last_resort INTEGER NOT NULL CHECK (last_resort IN (0, 1)),
    created_at INTEGER NOT NULL
  );

  -- Every use of a last-resort Kyber key, so a replayed PreKey message is refused.
  CREATE TABLE kyber_prekey_uses (
    kyber_id INTEGER NOT NULL REFERENCES kyber_prekeys(id) ON DELETE CASCADE,
    signed_prekey_id INTEGER NOT NULL,
    base_key BLOB NOT NULL,
    PRIMARY KEY (kyber_id, signed_prekey_id, base_key)
  ) WITHOUT ROWID;

  -- address is libsignal's "<number>.<device>".
  CREATE TABLE sessions (
    address TEXT PRIMARY KEY,
    record BLOB NOT NULL
  );

  -- trusted = 0: the key changed and the user has not accepted it yet.
  CREATE TABLE identities (
    number TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    trusted INTEGER NOT NULL CHECK (trusted IN (0, 1)),
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE conversations (
    number TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    -- incoming messages with a larger id are unread
    last_read_id INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation TEXT NOT NULL REFERENCES conversations(number),
    direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
    sender TEXT NOT NULL,
    text TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    stored_at INTEGER NOT NULL,
    status TEXT CHECK (status IN ('sending', 'sent', 'delivered', 'read', 'failed')),
    error TEXT
  );
  CREATE INDEX messages_by_conversation ON messages(conversation, id);
  CREATE INDEX messages_by_timestamp ON messages(conversation, direction, timestamp);

  -- Envelopes already decrypted and stored: a redelivery is acked and dropped.
  CREATE TABLE processed_envelopes (
    guid TEXT PRIMARY KEY,
    processed_at INTEGER NOT NULL
  ) WITHOUT ROWID;

  -- Envelopes that failed to decrypt; given up on (failed = 1) after a few attempts.
  CREATE TABLE failed_envelopes (
    guid TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    failed INTEGER NOT NULL CHECK (failed IN (0, 1)),
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;

  -- Receipts we owe for stored messages, written in the same transaction as the
  -- message (or the read mark), so a crash cannot lose them.
  CREATE TABLE owed_receipts (
    conversation TEXT NOT NULL REFERENCES conversations(number),
    type TEXT NOT NULL CHECK (type IN ('delivery', 'read')),
    timestamp INTEGER NOT NULL,
    PRIMARY KEY (conversation, type, timestamp)
  ) WITHOUT ROWID;

  -- Encrypted and not yet accepted by the server. Resent as is (same guid, same
  -- ciphertext): encrypting again would fork the ratchet.
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guid TEXT NOT NULL UNIQUE,
    destination TEXT NOT NULL,
    type INTEGER NOT NULL,
    content BLOB NOT NULL,
    client_timestamp INTEGER NOT NULL,
    message_id INTEGER REFERENCES messages(id)
  );
  `,
];
