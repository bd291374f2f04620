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

    /// The store's role for `role`: `DATABASE_SCHEMA_ROLE` (`PostgresLocation.rolePrefix`), as
    /// roles belong to the whole cluster and two databases may each hold a schema `haven`.
    static func roleName(_ role: Role, prefix: String) -> String {
        "\(prefix)_\(roles.first { $0.0 == role }!.1)"
    }

    static func migrations(schema s: String, roles r: String) -> [Migration] {
        let everyone = roles.map { "\(r)_\($0.1)" }.joined(separator: ", ")
        let writers = ["caseworker", "supervisor", "administrator"].map { "\(r)_\($0)" }.joined(separator: ", ")
        // A role of that name made by something else is never taken for the store's own.
        let roleStatements = roles.map { role in
            """
            DO $$ BEGIN
              IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(r)_\(role.1)') THEN
                RAISE EXCEPTION 'a role \(r)_\(role.1) exists already; this store''s roles must be its own';
              END IF;
              CREATE ROLE \(r)_\(role.1) NOLOGIN;
              COMMENT ON ROLE \(r)_\(role.1) IS 'Haven store \(s): \(role.1)s';
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
                "REVOKE SELECT ON \(s).access_log FROM \(r)_caseworker",
                "GRANT INSERT ON \(s).access_log TO \(everyone)",
                "GRANT UPDATE ON \(s).access_head TO \(everyone)",
                // Casework: only the roles that change cases write them and their audit entries.
                "GRANT INSERT, UPDATE ON \(s).cases TO \(writers)",
                "GRANT INSERT ON \(s).audit TO \(writers)",
                "GRANT UPDATE ON \(s).head TO \(writers)",
                // Users, countries and catalogues: administrators; erasure proposals: supervisors
                // and administrators (row security below says which row).
                "GRANT INSERT, UPDATE ON \(s).kept TO \(r)_supervisor, \(r)_administrator",
                "ALTER TABLE \(s).kept ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY kept_read ON \(s).kept FOR SELECT USING (true)",
                """
                CREATE POLICY kept_administrators ON \(s).kept FOR ALL TO \(r)_administrator USING (true) WITH CHECK (true)
                """,
                """
                CREATE POLICY kept_erasures ON \(s).kept FOR ALL TO \(r)_supervisor
                  USING (name = 'erasures') WITH CHECK (name = 'erasures')
                """,
                // An erasure rewrites the erased case's entries and removes its version and drafts.
                "GRANT UPDATE (line) ON \(s).audit TO \(r)_supervisor, \(r)_administrator",
                "GRANT UPDATE (line) ON \(s).access_log TO \(r)_supervisor, \(r)_administrator",
                // Drafts, sessions and settings: each account its own rows only.
                "GRANT INSERT, UPDATE, DELETE ON \(s).drafts, \(s).sessions, \(s).settings TO \(everyone)",
                "ALTER TABLE \(s).drafts ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY drafts_own ON \(s).drafts USING (user_name = current_user) WITH CHECK (user_name = current_user)",
                // An erasure removes every account's drafts of the erased case.
                "CREATE POLICY drafts_erasure ON \(s).drafts FOR DELETE TO \(r)_supervisor, \(r)_administrator USING (true)",
                "ALTER TABLE \(s).sessions ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY sessions_read ON \(s).sessions FOR SELECT USING (true)",
                "CREATE POLICY sessions_own ON \(s).sessions FOR ALL USING (user_name = current_user) WITH CHECK (user_name = current_user)",
                "ALTER TABLE \(s).settings ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY settings_own ON \(s).settings USING (user_name = current_user) WITH CHECK (user_name = current_user)",
            ]),
            Migration(number: 3, name: "the database checks every write against the trail", statements: [
                // Who may write anything at all without these checks: a superuser, and the
                // store's owner (who made it, and could drop these checks anyway). Everyone else
                // is held to them, whatever client they use.
                """
                CREATE FUNCTION \(s).unchecked() RETURNS boolean LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
                  SELECT coalesce((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false)
                      OR current_user = (SELECT nspowner::regrole::text FROM pg_catalog.pg_namespace WHERE nspname = '\(s)')
                $$
                """,
                // The hash a sealed line states: the 64 hex digits before its closing quote and brace.
                """
                CREATE FUNCTION \(s).stated_hash(line text) RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
                  SELECT substr(line, length(line) - 65, 64)
                $$
                """,
                // A line means one thing only: no key given twice at its top or in a change (the
                // server's JSON keeps the last of two, the application's decoder the first).
                """
                CREATE FUNCTION \(s).one_reading(line text) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
                  SELECT (SELECT count(*) FROM json_object_keys(line::json)) = (SELECT count(*) FROM jsonb_object_keys(line::jsonb))
                     AND NOT EXISTS (SELECT 1 FROM json_array_elements(CASE WHEN json_typeof(line::json->'changes') = 'array' THEN line::json->'changes' ELSE '[]'::json END) AS change
                                     WHERE json_typeof(change) = 'object'
                                       AND (SELECT count(*) FROM json_object_keys(change)) <> (SELECT count(*) FROM jsonb_object_keys(change::jsonb)))
                $$
                """,
                // Who writes is the login the server verified, not a role taken on with SET ROLE
                // (a superuser's test may take on another's).
                """
                CREATE FUNCTION \(s).as_oneself() RETURNS boolean LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
                  SELECT current_user = session_user OR coalesce((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user), false)
                $$
                """,
                // The access log's last number, for those who append but may not read it.
                """
                CREATE FUNCTION \(s).access_last() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
                SET search_path = pg_catalog, pg_temp AS $$
                  SELECT coalesce(max(sequence), 0) FROM \(s).access_log
                $$
                """,
                // The access log's line at a number, for those who append but may not read it.
                """
                CREATE FUNCTION \(s).access_line_hash(at bigint) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
                SET search_path = pg_catalog, pg_temp AS $$
                  SELECT \(s).stated_hash(line) FROM \(s).access_log WHERE sequence = at
                $$
                """,
                // An audit entry is appended in the writer's own name, numbered on, and chained
                // to the entry before it; the columns say what the line says.
                """
                CREATE FUNCTION \(s).audit_insert() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
                DECLARE entry jsonb := NEW.line::jsonb;
                BEGIN
                  IF \(s).unchecked() THEN RETURN NEW; END IF;
                  IF entry->>'user' IS DISTINCT FROM current_user OR NOT \(s).as_oneself() OR NOT \(s).one_reading(NEW.line) THEN
                    RAISE EXCEPTION 'an audit entry must be in the writer''s own name (%), not %', current_user, entry->>'user' USING ERRCODE = '42501';
                  END IF;
                  IF (entry->>'sequence')::bigint IS DISTINCT FROM NEW.sequence
                     OR NEW.case_id IS DISTINCT FROM nullif(substr(coalesce(entry->>'caseID', ''), 4), '')::int
                     OR coalesce(NEW.subject, '') IS DISTINCT FROM coalesce(entry->>'subject', '') THEN
                    RAISE EXCEPTION 'audit entry %: its columns are not what its line says', NEW.sequence USING ERRCODE = '42501';
                  END IF;
                  IF entry->>'previousHash' IS DISTINCT FROM coalesce((SELECT \(s).stated_hash(line) FROM \(s).audit WHERE sequence = NEW.sequence - 1),
                                                                     CASE WHEN NEW.sequence = 1 THEN repeat('0', 64) END) THEN
                    RAISE EXCEPTION 'audit entry % does not follow the entry before it', NEW.sequence USING ERRCODE = '42501';
                  END IF;
                  RETURN NEW;
                END $$
                """,
                "CREATE TRIGGER audit_insert BEFORE INSERT ON \(s).audit FOR EACH ROW EXECUTE FUNCTION \(s).audit_insert()",
                // A line is rewritten only by an erasure: its number, case and seal stay (an
                // erased value keeps its digest, so `haven check` still verifies it).
                """
                CREATE FUNCTION \(s).audit_update() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
                BEGIN
                  IF \(s).unchecked() THEN RETURN NEW; END IF;
                  IF NEW.sequence <> OLD.sequence OR NEW.case_id IS DISTINCT FROM OLD.case_id OR NEW.subject IS DISTINCT FROM OLD.subject
                     OR \(s).stated_hash(NEW.line) <> \(s).stated_hash(OLD.line) OR position('erased:sha256:' in NEW.line) = 0
                     OR NOT \(s).one_reading(NEW.line)
                     OR (NEW.line::jsonb - 'changes') <> (OLD.line::jsonb - 'changes') THEN
                    RAISE EXCEPTION 'audit entry % may only have values erased, its seal kept', OLD.sequence USING ERRCODE = '42501';
                  END IF;
                  RETURN NEW;
                END $$
                """,
                "CREATE TRIGGER audit_update BEFORE UPDATE ON \(s).audit FOR EACH ROW EXECUTE FUNCTION \(s).audit_update()",
                // The head names the trail's last entry, and the change sequence only moves on.
                """
                CREATE FUNCTION \(s).head_update() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
                DECLARE last record;
                BEGIN
                  IF \(s).unchecked() THEN RETURN NEW; END IF;
                  SELECT sequence, \(s).stated_hash(line) AS hash INTO last FROM \(s).audit ORDER BY sequence DESC LIMIT 1;
                  IF NEW.audit_sequence IS DISTINCT FROM coalesce(last.sequence, 0) OR NEW.audit_hash IS DISTINCT FROM coalesce(last.hash, repeat('0', 64))
                     OR NEW.change_sequence IS DISTINCT FROM (SELECT coalesce(max(change_sequence), 0) FROM \(s).cases)
                     OR NEW.kind <> OLD.kind OR NEW.created_by <> OLD.created_by THEN
                    RAISE EXCEPTION 'the store''s head must name the trail''s last entry' USING ERRCODE = '42501';
                  END IF;
                  RETURN NEW;
                END $$
                """,
                "CREATE TRIGGER head_update BEFORE UPDATE ON \(s).head FOR EACH ROW EXECUTE FUNCTION \(s).head_update()",
                // A case's new version is written in the writer's name, one version on, with a
                // change number the head has reached, and (checked at commit) with the audit
                // entry of that very version appended in the same transaction.
                """
                CREATE FUNCTION \(s).cases_write() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
                BEGIN
                  IF \(s).unchecked() THEN RETURN NEW; END IF;
                  IF NEW.saved_by IS DISTINCT FROM current_user
                     -- (an INSERT … ON CONFLICT meets this first with the row it proposes)
                     OR NEW.version IS DISTINCT FROM (CASE WHEN TG_OP = 'INSERT' THEN coalesce((SELECT version FROM \(s).cases WHERE id = NEW.id), 0) + 1
                                                          ELSE OLD.version + 1 END)
                     OR (TG_OP = 'UPDATE' AND (NEW.id <> OLD.id OR NEW.change_sequence <= OLD.change_sequence)) THEN
                    RAISE EXCEPTION 'case %: a version must be the next, saved in the writer''s own name', NEW.id USING ERRCODE = '42501';
                  END IF;
                  RETURN NEW;
                END $$
                """,
                "CREATE TRIGGER cases_write BEFORE INSERT OR UPDATE ON \(s).cases FOR EACH ROW EXECUTE FUNCTION \(s).cases_write()",
                """
                CREATE FUNCTION \(s).cases_audited() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
                BEGIN
                  IF \(s).unchecked() THEN RETURN NULL; END IF;
                  IF NOT EXISTS (SELECT 1 FROM \(s).audit a
                                 WHERE a.case_id = NEW.id AND a.xmin::text = (pg_current_xact_id()::text::bigint % 4294967296)::text
                                   AND (a.line::jsonb->>'version')::int = NEW.version)
                     OR NEW.change_sequence > (SELECT change_sequence FROM \(s).head WHERE id = 1) THEN
                    RAISE EXCEPTION 'case %: version % was written without its audit entry', NEW.id, NEW.version USING ERRCODE = '42501';
                  END IF;
                  RETURN NULL;
                END $$
                """,
                """
                CREATE CONSTRAINT TRIGGER cases_audited AFTER INSERT OR UPDATE ON \(s).cases DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION \(s).cases_audited()
                """,
                // At commit, whatever was appended: each head names its log's last entry (an entry
                // appended without moving its head would stop every later save or opening).
                """
                CREATE FUNCTION \(s).heads_at_commit() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
                BEGIN
                  IF \(s).unchecked() THEN RETURN NULL; END IF;
                  IF (SELECT audit_sequence FROM \(s).head WHERE id = 1) IS DISTINCT FROM (SELECT coalesce(max(sequence), 0) FROM \(s).audit)
                     OR (SELECT sequence FROM \(s).access_head WHERE id = 1) IS DISTINCT FROM \(s).access_last() THEN
                    RAISE EXCEPTION 'an entry was appended without its log''s head moving to it' USING ERRCODE = '42501';
                  END IF;
                  RETURN NULL;
                END $$
                """,
                """
                CREATE CONSTRAINT TRIGGER audit_head_at_commit AFTER INSERT ON \(s).audit DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION \(s).heads_at_commit()
                """,
                """
                CREATE CONSTRAINT TRIGGER access_head_at_commit AFTER INSERT ON \(s).access_log DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION \(s).heads_at_commit()
                """,
                // The access log: appended in the reader's own name, numbered on from its head,
                // chained, and sealed (its hash is the SHA-256 of what it covers); a line is
                // rewritten only to erase a reason, sealed again.
                """
                CREATE FUNCTION \(s).access_sealed(line text) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
                  SELECT strpos(line, ',"hash":"') > 0
                     AND encode(sha256(convert_to(left(line, strpos(line, ',"hash":"') - 1) || '}', 'UTF8')), 'hex') = \(s).stated_hash(line)
                $$
                """,
                """
                CREATE FUNCTION \(s).access_write() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
                DECLARE entry jsonb := NEW.line::jsonb;
                BEGIN
                  IF \(s).unchecked() THEN RETURN NEW; END IF;
                  -- Appending, the line follows the last; rewriting (the chain sealed again in one
                  -- statement, rows in no set order), `haven check` follows the chain.
                  IF NOT \(s).access_sealed(NEW.line) OR (entry->>'sequence')::bigint IS DISTINCT FROM NEW.sequence
                     OR (TG_OP = 'INSERT' AND entry->>'previousHash' IS DISTINCT FROM
                         coalesce(\(s).access_line_hash(NEW.sequence - 1), CASE WHEN NEW.sequence = 1 THEN repeat('0', 64) END)) THEN
                    RAISE EXCEPTION 'access entry % is not sealed and chained to the one before it', NEW.sequence USING ERRCODE = '42501';
                  END IF;
                  IF NOT \(s).one_reading(NEW.line) OR (TG_OP = 'INSERT' AND (entry->>'user' IS DISTINCT FROM current_user OR NOT \(s).as_oneself())) THEN
                    RAISE EXCEPTION 'an access entry must be in the reader''s own name (%)', current_user USING ERRCODE = '42501';
                  END IF;
                  IF TG_OP = 'UPDATE' AND (NEW.sequence <> OLD.sequence
                     OR (entry - 'reason' - 'previousHash' - 'hash') <> (OLD.line::jsonb - 'reason' - 'previousHash' - 'hash')
                     OR (entry->>'reason' IS DISTINCT FROM OLD.line::jsonb->>'reason' AND entry->>'reason' IS DISTINCT FROM '(erased)')) THEN
                    RAISE EXCEPTION 'access entry % may only have its reason erased', OLD.sequence USING ERRCODE = '42501';
                  END IF;
                  RETURN NEW;
                END $$
                """,
                "CREATE TRIGGER access_write BEFORE INSERT OR UPDATE ON \(s).access_log FOR EACH ROW EXECUTE FUNCTION \(s).access_write()",
                """
                CREATE FUNCTION \(s).access_head_update() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
                BEGIN
                  IF \(s).unchecked() THEN RETURN NEW; END IF;
                  IF NEW.hash IS DISTINCT FROM coalesce(\(s).access_line_hash(NEW.sequence), CASE WHEN NEW.sequence = 0 THEN repeat('0', 64) END)
                     OR NEW.sequence < OLD.sequence THEN
                    RAISE EXCEPTION 'the access log''s head must name its last entry' USING ERRCODE = '42501';
                  END IF;
                  RETURN NEW;
                END $$
                """,
                "CREATE TRIGGER access_head_update BEFORE UPDATE ON \(s).access_head FOR EACH ROW EXECUTE FUNCTION \(s).access_head_update()",
                // Giving a user their role: done by the store's owner on behalf of any of the
                // store's administrators, so an administrator needs no power over the cluster's
                // roles, and every grant has one grantor (a later revoke always takes).
                """
                CREATE FUNCTION \(s).set_store_role(login text, wanted text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
                SET search_path = pg_catalog, pg_temp AS $$
                DECLARE kind text;
                BEGIN
                  IF NOT (pg_catalog.pg_has_role(session_user, '\(r)_administrator', 'MEMBER')
                          OR coalesce((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user), false)
                          OR session_user = (SELECT nspowner::regrole::text FROM pg_catalog.pg_namespace WHERE nspname = '\(s)')) THEN
                    RAISE EXCEPTION 'only the store''s administrators give roles' USING ERRCODE = '42501';
                  END IF;
                  IF wanted IS NOT NULL AND wanted NOT IN ('caseworker', 'supervisor', 'administrator', 'auditor') THEN
                    RAISE EXCEPTION 'there is no Haven role %', wanted USING ERRCODE = '42501';
                  END IF;
                  IF length(login) > 63 OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = login AND NOT rolcanlogin) THEN
                    RAISE EXCEPTION '% is not an account this store can give a role to', login USING ERRCODE = '42501';
                  END IF;
                  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = login) THEN
                    EXECUTE format('CREATE ROLE %I LOGIN', login);
                  END IF;
                  FOREACH kind IN ARRAY ARRAY['caseworker', 'supervisor', 'administrator', 'auditor'] LOOP
                    EXECUTE format('REVOKE %I FROM %I', '\(r)_' || kind, login);
                  END LOOP;
                  IF wanted IS NOT NULL THEN
                    EXECUTE format('GRANT %I TO %I', '\(r)_' || wanted, login);
                  END IF;
                END $$
                """,
                // An erasure removes every account's drafts of the case, which no one else may read.
                """
                CREATE FUNCTION \(s).erase_drafts(number int) RETURNS int LANGUAGE plpgsql SECURITY DEFINER
                SET search_path = pg_catalog, pg_temp AS $$
                DECLARE id text := 'HV-' || lpad(number::text, 6, '0'); removed int;
                BEGIN
                  IF NOT EXISTS (SELECT 1 FROM \(s).cases WHERE cases.id = number AND position('"erasure":' in record) > 0) THEN
                    RAISE EXCEPTION '% is not erased: its drafts stay', id USING ERRCODE = '42501';
                  END IF;
                  DELETE FROM \(s).drafts WHERE target = id OR target LIKE id || '.%';
                  GET DIAGNOSTICS removed = ROW_COUNT;
                  RETURN removed;
                END $$
                """,
                "REVOKE ALL ON FUNCTION \(s).erase_drafts(int) FROM PUBLIC",
                "GRANT EXECUTE ON FUNCTION \(s).erase_drafts(int) TO \(r)_supervisor, \(r)_administrator",
                "DROP POLICY drafts_erasure ON \(s).drafts",
                "REVOKE ALL ON FUNCTION \(s).set_store_role(text, text) FROM PUBLIC",
                "GRANT EXECUTE ON FUNCTION \(s).set_store_role(text, text) TO \(r)_administrator",
            ]),
        ]
    }

    /// Makes the schema and applies every migration not yet recorded, under a lock so two
    /// `haven init`s never apply one twice. Returns the numbers applied now.
    static func migrate(_ link: PostgresLink, schema s: String, roles r: String, by user: String, at time: Timestamp, kind: StoreManifest.Kind) throws -> [Int] {
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
            for migration in migrations(schema: s, roles: r) where !done.contains(migration.number) {
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
    static var latest: Int { migrations(schema: "haven", roles: "haven").map(\.number).max()! }
}
