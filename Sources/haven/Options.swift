import ArgumentParser
import Foundation
import HavenCore
import HavenStore

/// Where the store is: --store DIR or postgresql://…, else $HAVEN_STORE, else $XDG_DATA_HOME/haven.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store directory, or a PostgreSQL store's postgresql:///DATABASE?host=/SOCKET/DIR.", valueName: "dir"))
    var store: String?

    /// The store's address when it is a PostgreSQL store's (`postgresql://…`).
    var postgresAddress: String? {
        let named = store ?? ProcessInfo.processInfo.environment["HAVEN_STORE"]
        return named.flatMap { PostgresLocation.isPostgres($0) ? $0 : nil }
    }

    /// The PostgreSQL store's location; the OS account is the database role.
    func postgresLocation() throws -> PostgresLocation? {
        guard let address = postgresAddress else { return nil }
        do { return try PostgresLocation(address, osUser: OperatingSystemIdentity.currentUser().rawValue) } catch { throw HavenFailure("\(error)") }
    }

    /// Either store: the PostgreSQL store at a postgresql:// address, else the file store.
    func open(defaultName: String = "haven") throws -> any OpenStore {
        if let location = try postgresLocation() {
            do { return try PostgresCaseStore(location) } catch { throw HavenFailure("\(error)") }
        }
        return try openFiles(defaultName: defaultName)
    }

    /// The store's directory; `demo` uses `haven-demo` as the default's last part.
    func directory(defaultName: String = "haven") -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let store { return URL(fileURLWithPath: store).standardizedFileURL }
        if let fromEnvironment = environment["HAVEN_STORE"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment).standardizedFileURL
        }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return URL(fileURLWithPath: dataHome).appendingPathComponent(defaultName).standardizedFileURL
    }

    /// The file store, for the commands about its files; a PostgreSQL address is refused with
    /// what to do there instead (`instead`).
    func openFiles(defaultName: String = "haven", instead: String = "this command works on a file store") throws -> FileCaseStore {
        if let address = postgresAddress { throw HavenFailure("\(address) is a PostgreSQL store: \(instead).") }
        let directory = directory(defaultName: defaultName)
        // How long a save waits for another session's lock before it gives up (default 20 s).
        if let seconds = ProcessInfo.processInfo.environment["HAVEN_LOCK_WAIT"].flatMap(Double.init), seconds >= 0 {
            FileCaseStore.lockLimit = seconds
        }
        // A command waiting on another session's lock says who holds it (the interface shows
        // the refusal in its status line instead: a write to the terminal would tear its screen).
        FileCaseStore.lockWaitReporter = { message in
            FileHandle.standardError.write(Data("\(message); waiting up to \(Int(FileCaseStore.lockLimit)) seconds.\n".utf8))
        }
        // A save that leaves the log more than twice its live size starts a compaction; below
        // HAVEN_COMPACT_FROM bytes of log (16 MiB) it waits (a training store, a test, sets it lower).
        FileCaseStore.compactionStarter = { BackgroundCompaction.start($0) }
        if let bytes = ProcessInfo.processInfo.environment["HAVEN_COMPACT_FROM"].flatMap(Int.init), bytes >= 0 {
            FileCaseStore.compactionMinimumBytes = bytes
        }
        do {
            let store = try FileCaseStore(at: directory)
            // What opening found or repaired is said, not only written to the trail.
            for problem in store.openingProblems {
                FileHandle.standardError.write(Data("\(problem)\n".utf8))
            }
            return store
        } catch {
            throw HavenFailure("\(error)")
        }
    }
}

/// Where the reference data is: --data DIR, else $HAVEN_DATA, else the copy built into haven.
/// The store's own host countries, once an administrator has changed them, take the place of
/// whichever list this gives (`FileCaseStore.adopt`).
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A reference data directory to use instead of the data built into haven.",
        discussion: """
            Default: $HAVEN_DATA, else the built-in data. The directory must hold all seven files \
            (countries.json, occupations.json, stage-targets.json, allocation.json, labour-demand.json, \
            reunification.json, retention.json); Haven refuses one that lacks any, naming them. A data/ in the working \
            directory is used only when named here. A store's host countries, once changed with \
            'haven countries', take the place of the list in either.
            """,
        valueName: "dir"))
    var data: String?

    /// Where this session's reference data comes from.
    var source: ReferenceDataSource {
        ReferenceDataLoader.locate(explicit: data, environment: ProcessInfo.processInfo.environment,
                                   workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    /// The source in words, for messages: which option or variable named a directory.
    var sourceDescription: String {
        switch source {
        case .directory(let directory): "\(directory.path) (from \(data == nil ? "$HAVEN_DATA" : "--data"))"
        case .builtIn: "the data built into haven"
        }
    }

    func loadReferenceData() throws -> ReferenceData {
        do {
            return try ReferenceDataLoader.load(source)
        } catch {
            throw HavenFailure("bad reference data in \(sourceDescription): \(error)")
        }
    }
}

/// The person running Haven: the OS account (never the environment or an argument) and the
/// role the store gives it. An account with no role is refused, with who can fix that; one
/// whose role does not allow `capability` is refused with the rule's own message.
func actor(in users: UserDirectory, store path: String, for capability: Capability,
           user: UserName = OperatingSystemIdentity.currentUser()) throws -> Actor {
    guard let actor = users.actor(for: user) else {
        let administrators = users.users(in: .administrator).map(\.name.rawValue).joined(separator: ", ")
        throw HavenFailure("\(user) has no role in the store at \(path). An administrator (\(administrators)) can give you one: haven users add \(user) --role caseworker")
    }
    do {
        try capability.require(actor)
    } catch {
        throw HavenFailure(error.description)
    }
    return actor
}

extension StoreOptions {
    /// Opens the store and works out who is acting, refusing as `actor(in:store:for:)` does.
    func open(for capability: Capability, defaultName: String = "haven") throws -> (any OpenStore, Actor) {
        let store = try open(defaultName: defaultName)
        let users: UserDirectory
        do { users = try store.users() } catch { throw HavenFailure("\(error)") }
        // On PostgreSQL the person is the role the server verified, not what this process says.
        let user = (store as? PostgresCaseStore).flatMap { UserName($0.sessionUser) } ?? OperatingSystemIdentity.currentUser()
        return (store, try actor(in: users, store: store.place, for: capability, user: user))
    }

    /// The file store and who is acting, for the commands about its files.
    func openFiles(for capability: Capability, defaultName: String = "haven", instead: String = "this command works on a file store") throws -> (FileCaseStore, Actor) {
        let store = try openFiles(defaultName: defaultName, instead: instead)
        let users: UserDirectory
        do { users = try store.users() } catch { throw HavenFailure("\(error)") }
        return (store, try actor(in: users, store: store.directory.path, for: capability))
    }
}

/// A progress bar on standard error, redrawn in place; only on a terminal and for long jobs.
struct ProgressBar {
    let total: Int
    let label: String
    private var lastShown = -1

    init(total: Int, label: String) {
        self.total = max(1, total)
        self.label = label
    }

    /// Below this many items the job is quick enough to need no bar.
    static let threshold = 2000

    mutating func update(_ done: Int) {
        let percent = done * 100 / total
        guard percent != lastShown, total >= Self.threshold, isatty(2) == 1 else { return }
        lastShown = percent
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% \(done)/\(total)\(done >= total ? "\n" : "")".utf8))
    }
}

/// Bytes done of a total on standard error, redrawn in place: only on a terminal (a cron job's
/// mail gets the last line, not a thousand redraws) and for copies long enough to watch.
struct ByteMeter {
    let label: String
    private var lastShown = -1
    private var open = false

    init(label: String) {
        self.label = label
    }

    /// Below this many bytes the job is quick enough to need no meter.
    static let threshold = 64 << 20

    mutating func update(_ done: Int, of total: Int) {
        guard total >= Self.threshold, isatty(2) == 1 else { return }
        let percent = done * 100 / max(1, total)
        guard percent != lastShown else { return }
        lastShown = percent
        open = done < total
        FileHandle.standardError.write(Data("\r\(label): \(Self.text(done)) of \(Self.text(total)) (\(percent)%)\(open ? "" : "\n")".utf8))
    }

    /// Ends the meter's line if the job stopped short of its total.
    mutating func finish() {
        if open { FileHandle.standardError.write(Data("\n".utf8)) }
        open = false
    }

    /// "812 bytes", "4.1 MB", "13.2 GB" (powers of 1000, as disks are sold).
    static func text(_ bytes: Int) -> String {
        let value = Double(bytes)
        switch bytes {
        case ..<1_000: return "\(bytes) bytes"
        case ..<1_000_000: return String(format: "%.1f kB", value / 1e3)
        case ..<1_000_000_000: return String(format: "%.1f MB", value / 1e6)
        default: return String(format: "%.1f GB", value / 1e9)
        }
    }
}

/// `--encrypt-to`: a file written for a person leaves the server encrypted (age), readable only
/// by the holder of the matching private key (`age -d -i KEY FILE`).
struct EncryptionOptions: ParsableArguments {
    @Option(name: .customLong("encrypt-to"), help: ArgumentHelp(
        "Encrypt what is written to this age public key (age1…, as age-keygen prints it), or to the keys in this file (one a line, as age -R reads); repeat for several recipients. Decrypt with: age -d -i KEYFILE FILE.",
        valueName: "key|file"))
    var encryptTo: [String] = []

    /// The recipients named, each key checked; a file's keys read as `age -R` reads them.
    func recipients() throws -> [AgeEncryption.Recipient] {
        var all: [AgeEncryption.Recipient] = []
        for named in encryptTo {
            if let recipient = AgeEncryption.Recipient(named) { all.append(recipient); continue }
            guard !named.lowercased().hasPrefix("age1") else {
                throw HavenFailure("--encrypt-to '\(named.prefix(24))…' is not an age public key: its checksum does not hold (copy it again from age-keygen).")
            }
            let text = String(decoding: try ReportFile.read(named), as: UTF8.self)
            do {
                let keys = try AgeEncryption.Recipient.list(in: text)
                guard !keys.isEmpty else { throw HavenFailure("--encrypt-to \(named): the file names no age public key.") }
                all += keys
            } catch let error as AgeEncryption.RecipientError {
                throw HavenFailure("--encrypt-to \(named): \(error)")
            }
        }
        return all
    }

    /// What the access log says of the file's encryption.
    func described(_ recipients: [AgeEncryption.Recipient]) -> String {
        recipients.isEmpty ? "" : ", encrypted to " + recipients.map { String($0.text.prefix(12)) + "…" }.joined(separator: ", ")
    }
}
