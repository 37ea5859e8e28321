// The versioned schema of the SQL stores: one logical schema for SQLite and
// PostgreSQL, written once, with the few dialect differences (identity ids,
// the "C" collation on PostgreSQL text so that ORDER BY is byte order like
// SQLite's, the append-only triggers) filled in per dialect.
//
// The table schema_migrations(version, name, applied_at) records what was
// applied. Each migration runs in its own transaction, under a lock every
// migrator takes (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE), and
// re-checks the version inside it, so two programs migrating at once apply
// each step once. A migration, once released, is never edited: changes are
// new migrations appended to the list.
// Thread safety: functions over one Connection, used by one thread.
// Internal to store/.
#pragma once

#include <string>
#include <vector>

#include <kunren/store/sql.hpp>
#include <kunren/store/store.hpp>

namespace kunren::store {

// The newest schema version this program knows.
int latest_schema_version();

// The schema as recorded in the database (version 0 and nothing applied when
// it has no schema_migrations table).
Result<SchemaInfo> read_schema_info(sql::Connection& db);

// Brings the database to the version `options` ask for (all migrations, or
// the first options.migrate_to) or refuses: a schema newer than this program
// is always Conflict; an older one is Conflict unless options.migrate (or
// options.create, for a database with no schema at all).
Result<SchemaInfo> prepare_schema(sql::Connection& db, const OpenOptions& options);

}  // namespace kunren::store
