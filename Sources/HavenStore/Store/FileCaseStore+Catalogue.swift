import Foundation
import HavenCore

/// `courses.json` and `openings.json`: the language courses and job openings administrators
/// keep, `{"revision": 3, "items": [...]}`. No file means none yet. Replaced whole under the
/// exclusive lock; every change is an audit entry with subject `courses` or `openings`.
struct CatalogueFile<Item: CatalogueItem>: Codable {
    var revision: Int
    var items: [Item]
}

extension FileCaseStore {
    static func catalogueFile<Item: CatalogueItem>(_ type: Item.Type) -> String { "\(Item.kind)s.json" }

    func cataloguePath<Item: CatalogueItem>(_ type: Item.Type) -> String {
        directory.appendingPathComponent(Self.catalogueFile(type)).path
    }

    func readCatalogue<Item: CatalogueItem>(_ type: Item.Type) throws -> (items: [Item], revision: Int) {
        guard let file = try Self.readKeptFile(CatalogueFile<Item>.self, at: cataloguePath(type), kind: "\(Item.kind)s") else {
            return ([], 0)
        }
        return (file.items, file.revision)
    }

    public func catalogue<Item: CatalogueItem>(of type: Item.Type) throws -> [Item] {
        try withStoreLock(.shared) { try readCatalogue(type).items }
    }

    public func changeCatalogue<Item: CatalogueItem>(_ change: CatalogueChange<Item>, by actor: Actor, at time: Timestamp) throws -> [Item] {
        try withWriteLock {
            try requireCurrentRole(actor)
            let (current, revision) = try readCatalogue(Item.self)
            let ledger = CatalogueLedger(items: current, countries: try readCountries().countries, use: Item.use(in: try summaries()))
            let next: [Item]
            do { next = try ledger.applying(change, by: actor) } catch { throw StoreError.forbidden("\(error)") }
            try replaceKeptFile(CatalogueFile(revision: revision + 1, items: next), at: cataloguePath(Item.self),
                                audited: AuditEntry(sequence: lastAuditSequence + 1, at: time, user: actor.user, caseID: nil, subject: "\(Item.kind)s",
                                                    version: CaseVersion(revision + 1),
                                                    changes: change.ids.flatMap { CatalogueLedger.fieldChanges(from: current, to: next, id: $0) }))
            return next
        }
    }
}
