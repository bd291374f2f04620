import Foundation
import HavenCore

/// What the `haven` commands need of a store beyond `CaseStore`: both the file store and the
/// PostgreSQL store offer it, so every command but those about files (compact, restore) runs
/// on either.
public protocol OpenStore: CaseStore {
    /// Where the store is, for messages: its directory or its postgresql:// address.
    var place: String { get }
    /// The store's directory when it is one (a report is never written inside it).
    var storeDirectory: URL? { get }
    /// A demo store or one of real cases.
    var kind: StoreManifest.Kind { get throws }
    /// The reference data with the store's own host countries in place of the files' list.
    func adopt(_ reference: ReferenceData) throws -> ReferenceData
    /// Records in the audit trail that something left the store: what, and how much.
    func auditExport(_ subject: String, _ description: String, by actor: Actor, at time: Timestamp) throws
    /// Every case's latest version as the store stands now, to export a batch at a time.
    func latestVersions() throws -> LatestVersions
}

extension FileCaseStore: OpenStore {
    public var place: String { directory.path }
    public var storeDirectory: URL? { directory }
    public var kind: StoreManifest.Kind { manifest.kind }
}
