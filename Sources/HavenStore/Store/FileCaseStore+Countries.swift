import Foundation
import HavenCore

/// `countries.json`: the host countries and their quotas once an administrator has changed
/// them, `{"revision": 2, "countries": [...]}`. Until the first change there is no file and
/// the reference data's list (`referenceCountries`) applies. Replaced whole under the
/// exclusive lock; every change is an audit entry with subject `countries`.
struct CountriesFile: Codable {
    var revision: Int
    var countries: [HostCountry]
}

extension FileCaseStore {
    public static let countriesFile = "countries.json"

    var countriesPath: String { directory.appendingPathComponent(Self.countriesFile).path }

    /// The store's list and its revision, or the reference list at revision 0.
    func readCountries() throws -> (countries: [HostCountry], revision: Int) {
        guard let file = try Self.readKeptFile(CountriesFile.self, at: countriesPath, kind: "host-countries") else {
            return (referenceCountries, 0)
        }
        return (file.countries, file.revision)
    }

    /// The reference data a session on this store works with: the files' data, with the host
    /// countries the store keeps (an administrator's changes) in place of the files' list.
    /// Every command and the interface take their reference data through here, so quotas,
    /// pick lists and reports agree with what the store enforces.
    public func adopt(_ reference: ReferenceData) throws -> ReferenceData {
        referenceCountries = reference.countries
        var adopted = reference
        adopted.countries = try hostCountries()
        return adopted
    }

    public func hostCountries() throws -> [HostCountry] {
        try withStoreLock(.shared) { try readCountries().countries }
    }

    public func changeHostCountries(_ change: HostCountryChange, by actor: Actor, at time: Timestamp) throws -> [HostCountry] {
        try withWriteLock {
            try requireCurrentRole(actor)
            let (current, revision) = try readCountries()
            let ledger = QuotaLedger(countries: current, used: placesUsed, reserved: placesHeld, usedOfKind: placesUsedOfKind,
                                     reservedOfKind: placesHeldOfKind)
            let next: [HostCountry]
            do { next = try ledger.applying(change, by: actor) } catch { throw StoreError.forbidden("\(error)") }
            try replaceKeptFile(CountriesFile(revision: revision + 1, countries: next), at: countriesPath,
                                audited: AuditEntry(sequence: lastAuditSequence + 1, at: time, user: actor.user, caseID: nil, subject: "countries",
                                                    version: CaseVersion(revision + 1),
                                                    changes: QuotaLedger.fieldChanges(from: current, to: next, for: change.country)))
            return next
        }
    }
}
