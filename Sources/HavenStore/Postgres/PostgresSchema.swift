import HavenCore

/// The PostgreSQL store's tables, made by numbered migrations that the database records
/// (`migrations`), each applied once, in order, in its own transaction, by `haven init`.
/// `{s}` is the store's schema; its roles are `{s}_caseworker`, `{s}_supervisor`,
/// `{s}_administrator` and `{s}_auditor` (docs/store-format.md, issue 25).
enum PostgresSchema {
    struct Migration {
        let number: Int
        let name: String
        let statements: [String]
    }

    static let roles: [(Role, String)] = [(.caseworker, "caseworker"), (.supervisor, "supervisor"),
                                           (.administrator, "administrator"), (.auditor, "auditor")]

    static func roleName(_ role: Role, schema: String) -> String {
        "\(schema)_\(roles.first { $0.0 == role }!.1)"
    }

    static func migrations(schema s: String) -> [Migration] {
        let everyone = roles.map { "\(s)_\($0.1)" }.joined(separator: ", ")
        let writers = ["caseworker", "supervisor", "administrator"].map { "\(s)_\($0)" }.joined(separator: ", ")
        let roleStatements = roles.map { role in
            """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(s)_\(role.1)') THEN
                CREATE ROLE \(s)_\(role.1) NOLOGIN;
              END IF;
            END $$
            """
        }
        return [
            Migration(number: 1, name: "cases, the audit trail and the access log", statements: [
                // One row: the trail's last entry (number and hash), the change sequence every
                // session follows, and who made the store. A save locks it first (FOR UPDATE), so
                // saves take numbers one after another, unique and without gaps.
                """
                CREATE TABLE \(s).head (
                  id int PRIMARY KEY CHECK (id = 1),
                  audit_sequence bigint NOT NULL,
                  audit_hash text NOT NULL,
                  change_sequence bigint NOT NULL,
                  kind text NOT NULL,
                  created_by text NOT NULL,
                  created_at bigint NOT NULL)
                """,
                // Each case's newest version; `record` is the case's JSON exactly as the file
                // store writes it, `summary` its list fields (what opening a queue reads).
                """
                CREATE TABLE \(s).cases (
                  id int PRIMARY KEY,
                  version int NOT NULL,
                  saved_by text NOT NULL,
                  saved_at bigint NOT NULL,
                  change_sequence bigint NOT NULL,
                  summary text NOT NULL,
                  record text NOT NULL)
                """,
                "CREATE INDEX cases_by_change ON \(s).cases (change_sequence)",
                // Every audit entry, as the line the file store's audit.jsonl holds (sealed and
                // chained), so a migrated trail is byte-identical and one check verifies both.
                """
                CREATE TABLE \(s).audit (
                  sequence bigint PRIMARY KEY,
                  case_id int,
                  subject text,
                  line text NOT NULL)
                """,
                "CREATE INDEX audit_by_case ON \(s).audit (case_id, sequence) WHERE case_id IS NOT NULL",
                "CREATE TABLE \(s).access_head (id int PRIMARY KEY CHECK (id = 1), sequence bigint NOT NULL, hash text NOT NULL)",
                "CREATE TABLE \(s).access_log (sequence bigint PRIMARY KEY, line text NOT NULL)",
                // What the file store keeps as whole small files: users, countries, courses,
                // openings, erasure proposals; each with its revision.
                "CREATE TABLE \(s).kept (name text PRIMARY KEY, revision int NOT NULL, body text NOT NULL)",
                """
                CREATE TABLE \(s).drafts (
                  user_name text NOT NULL DEFAULT current_user,
                  session text NOT NULL,
                  target text NOT NULL,
                  saved_at bigint NOT NULL,
                  body text NOT NULL,
                  PRIMARY KEY (user_name, session, target))
                """,
                // A running session holds this row with its connection's process: a session whose
                // process is gone (a crash, a dropped link) is over, and its drafts are offered.
                """
                CREATE TABLE \(s).sessions (
                  user_name text NOT NULL DEFAULT current_user,
                  session text NOT NULL,
                  backend_pid int NOT NULL,
                  backend_start timestamptz NOT NULL,
                  PRIMARY KEY (user_name, session))
                """,
                "CREATE TABLE \(s).settings (user_name text PRIMARY KEY DEFAULT current_user, body text NOT NULL)",
            ]),
            Migration(number: 2, name: "roles and what each may change", statements: roleStatements + [
                "GRANT USAGE ON SCHEMA \(s) TO \(everyone)",
                "GRANT SELECT ON ALL TABLES IN SCHEMA \(s) TO \(everyone)",
                // Every reader's opening is logged, so every role appends to the access log.
                // Caseworkers append to it but do not read it (supervisors and auditors do).
                "REVOKE SELECT ON \(s).access_log FROM \(s)_caseworker",
                "GRANT INSERT ON \(s).access_log TO \(everyone)",
                "GRANT UPDATE ON \(s).access_head TO \(everyone)",
                // Casework: only the roles that change cases write them and their audit entries.
                "GRANT INSERT, UPDATE ON \(s).cases TO \(writers)",
                "GRANT INSERT ON \(s).audit TO \(writers)",
                "GRANT UPDATE ON \(s).head TO \(writers)",
                // Users, countries and catalogues: administrators; erasure proposals: supervisors
                // and administrators (row security below says which row).
                "GRANT INSERT, UPDATE ON \(s).kept TO \(s)_supervisor, \(s)_administrator",
                "ALTER TABLE \(s).kept ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY kept_read ON \(s).kept FOR SELECT USING (true)",
                """
                CREATE POLICY kept_administrators ON \(s).kept FOR ALL TO \(s)_administrator USING (true) WITH CHECK (true)
                """,
                """
                CREATE POLICY kept_erasures ON \(s).kept FOR ALL TO \(s)_supervisor
                  USING (name = 'erasures') WITH CHECK (name = 'erasures')
                """,
                // An erasure rewrites the erased case's entries and removes its version and drafts.
                "GRANT UPDATE (line) ON \(s).audit TO \(s)_supervisor, \(s)_administrator",
                "GRANT UPDATE (line) ON \(s).access_log TO \(s)_supervisor, \(s)_administrator",
                // Drafts, sessions and settings: each account its own rows only.
                "GRANT INSERT, UPDATE, DELETE ON \(s).drafts, \(s).sessions, \(s).settings TO \(everyone)",
                "ALTER TABLE \(s).drafts ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY drafts_own ON \(s).drafts USING (user_name = current_user) WITH CHECK (user_name = current_user)",
                // An erasure removes every account's drafts of the erased case.
                "CREATE POLICY drafts_erasure ON \(s).drafts FOR DELETE TO \(s)_supervisor, \(s)_administrator USING (true)",
                "ALTER TABLE \(s).sessions ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY sessions_read ON \(s).sessions FOR SELECT USING (true)",
                "CREATE POLICY sessions_own ON \(s).sessions FOR ALL USING (user_name = current_user) WITH CHECK (user_name = current_user)",
                "ALTER TABLE \(s).settings ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY settings_own ON \(s).settings USING (user_name = current_user) WITH CHECK (user_name = current_user)",
            ]),
        ]
    }

    /// Makes the schema and applies every migration not yet recorded, under a lock so two
    /// `haven init`s never apply one twice. Returns the numbers applied now.
    static func migrate(_ link: PostgresLink, schema s: String, by user: String, at time: Timestamp, kind: StoreManifest.Kind) throws -> [Int] {
        try link.transaction {
            try link.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("haven-migrate-\(s)")])
            try link.query("CREATE SCHEMA IF NOT EXISTS \(s)")
            try link.query("""
                CREATE TABLE IF NOT EXISTS \(s).migrations (
                  number int PRIMARY KEY, name text NOT NULL,
                  applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user)
                """)
            let done = Set(try link.query("SELECT number FROM \(s).migrations").map { try $0.int(0) })
            var applied: [Int] = []
            for migration in migrations(schema: s) where !done.contains(migration.number) {
                for statement in migration.statements { try link.query(statement) }
                try link.query("INSERT INTO \(s).migrations (number, name) VALUES ($1, $2)",
                               [.int(migration.number), .text(migration.name)])
                if migration.number == 1 {
                    try link.query("""
                        INSERT INTO \(s).head (id, audit_sequence, audit_hash, change_sequence, kind, created_by, created_at)
                        VALUES (1, 0, $1, 0, $2, $3, $4)
                        """, [.text(AuditTrail.genesis), .text(kind.rawValue), .text(user), .int(Int(time.secondsSinceEpoch))])
                    try link.query("INSERT INTO \(s).access_head (id, sequence, hash) VALUES (1, 0, $1)", [.text(AuditTrail.genesis)])
                }
                applied.append(migration.number)
            }
            return applied
        }
    }

    /// The newest migration this Haven knows; a store at another number is refused.
    static var latest: Int { migrations(schema: "haven").map(\.number).max()! }
}
