import ArgumentParser
import Foundation
import Glibc
import HavenCore
import HavenStore

extension Role: ExpressibleByArgument {}
extension ReportKind: ExpressibleByArgument {}

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Who may use the store, and in which role.",
        subcommands: [List.self, Add.self, Remove.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the store's users and their roles.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let (opened, _) = try store.open(for: .viewCases)
            let users = try opened.users().users
            let width = max(4, users.map(\.name.rawValue.count).max() ?? 0)
            print("user".padding(toLength: width, withPad: " ", startingAt: 0) + "  role           added")
            for account in users {
                print(account.name.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                      + account.role.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0) + "  "
                      + "\(account.addedAt.date) by \(account.addedBy)")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give an OS user a role (or another role); administrators only.")
        @Argument(help: ArgumentHelp("The user's account name on this server.", valueName: "name")) var name: String
        @Option(help: "caseworker, supervisor, administrator or auditor.") var role: Role
        @OptionGroup var store: StoreOptions

        func run() throws {
            let user = try UsersCommand.userName(name)
            guard OperatingSystemIdentity.accountExists(name) else { throw HavenFailure(UserDirectoryError.noSuchAccount(name).description) }
            try UsersCommand.apply(.add(user, role), to: store)
            print("\(name) is now \(role.withArticle) in the store.")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a user's role away; administrators only.")
        @Argument(help: ArgumentHelp("The user's account name.", valueName: "name")) var name: String
        @OptionGroup var store: StoreOptions

        func run() throws {
            try UsersCommand.apply(.remove(try UsersCommand.userName(name)), to: store)
            print("\(name) no longer has a role in the store.")
        }
    }

    static func userName(_ text: String) throws -> UserName {
        guard let user = UserName(text) else { throw HavenFailure("'\(text)' is not \(UserName.expectedForm).") }
        return user
    }

    /// Opens the store as an administrator and makes the change (audited by the store).
    static func apply(_ change: UserChange, to store: StoreOptions) throws {
        let (opened, actor) = try store.open(for: .manageUsers)
        do {
            _ = try opened.changeUsers(change, by: actor, at: .now())
        } catch {
            throw HavenFailure("\(error)")
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "A supervisor's report: pipeline, quotas, workload or decisions, as text or CSV.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv }

    @Option(help: "pipeline, quotas, workload, decisions or outcomes.") var kind: ReportKind
    @Option(help: "text or csv.") var format: Format = .text
    @Option(help: ArgumentHelp("Write here instead of standard output (created 0600; never over a file).", valueName: "file"))
    var output: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions

    func run() throws {
        let (opened, _) = try store.open(for: .runReports)
        let reference = try opened.adopt(data.loadReferenceData())
        let table = Reports.make(kind, summaries: try opened.summaries(), users: try opened.users(), reference: reference,
                                 today: .today())
        let text = format == .csv ? table.csv : table.text
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        try ReportFile.write(text, to: output, store: opened.directory)
        FileHandle.standardError.write(Data("Wrote the \(kind.rawValue) report to \(output).\n".utf8))
    }
}

/// The files Haven writes for people (exports, reports, stories) and reads from them
/// (imports): written owner-only, only as a new file (never over one, never through a link),
/// never inside a store; read only when a regular file (never a pipe or a device).
enum ReportFile {
    static func write(_ text: String, to path: String, store: URL? = nil) throws {
        try write(Array(text.utf8), to: path, store: store)
    }

    static func write(_ bytes: [UInt8], to path: String, store: URL? = nil) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if let store, let inside = realpath(parent.isEmpty ? "." : parent, nil), let storePath = realpath(store.path, nil) {
            defer { free(inside); free(storePath) }
            let folder = String(cString: inside), root = String(cString: storePath)
            if folder == root || folder.hasPrefix(root + "/") {
                throw HavenFailure("\(path) is inside the store \(store.path); write exports and reports elsewhere.")
            }
        }
        // O_EXCL with O_CREAT refuses any existing name, a symbolic link (even a dangling one)
        // included, so nothing is written over and no link leads the file elsewhere.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            switch code {
            case EEXIST: throw HavenFailure("\(path) already exists; Haven does not write over files. Choose another name.")
            case ENOENT, ENOTDIR: throw HavenFailure("\(path): cannot be written: its folder does not exist.")
            default: throw HavenFailure("\(path): cannot be written: \(String(cString: strerror(code))).")
            }
        }
        var written = 0
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 { if errno == EINTR { continue }; return errno }
                written += result
            }
            return fsync(descriptor) == 0 ? nil : errno
        }
        close(descriptor)
        if let failure {
            unlink(path)
            throw HavenFailure("\(path): cannot be written: \(String(cString: strerror(failure))); nothing was left there.")
        }
    }

    /// A regular file's bytes; a directory, pipe or device (a link to /dev/zero) is refused by name.
    static func read(_ path: String) throws -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else { throw HavenFailure("\(path): cannot be read: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw HavenFailure("\(path): not a regular file (a directory, pipe or device); give the path of a file")
        }
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw HavenFailure("\(path): cannot be read: \(String(cString: strerror(errno)))")
        }
        return contents
    }
}
