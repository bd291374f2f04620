import Foundation
import HavenCore

/// A person's own settings: `settings/USER.json`, owner-only (0600), written whole by rename;
/// only a file this account owns and alone may read is taken as its settings.
extension FileCaseStore {
    static let settingsDirectory = "settings"

    var settingsFolder: String { directory.appendingPathComponent(Self.settingsDirectory).path }

    public func settings(for user: UserName) throws -> UserSettings {
        let path = "\(settingsFolder)/\(user.rawValue).json"
        guard Self.isOwnPrivateFile(path), let data = FileManager.default.contents(atPath: path) else { return UserSettings() }
        return (try? JSONDecoder().decode(UserSettings.self, from: data)) ?? UserSettings()
    }

    public func keepSettings(_ settings: UserSettings, for user: UserName) throws {
        if let readOnlyReason { throw StoreError.unavailable("\(readOnlyReason); settings are not kept") }
        // A file there that is not readable as this account's settings is never written over:
        // what it holds would be lost (a later Haven's settings, a file restored with others' owner).
        let path = "\(settingsFolder)/\(user.rawValue).json"
        if FileManager.default.fileExists(atPath: path) {
            guard Self.isOwnPrivateFile(path), let data = FileManager.default.contents(atPath: path),
                  (try? JSONDecoder().decode(UserSettings.self, from: data)) != nil else {
                throw StoreError.unavailable("\(path) is not readable as \(user)'s settings; move it out to save settings again")
            }
        }
        try makePersonalFolder(settingsFolder)
        try PosixFile.replaceDurably("\(settingsFolder)/\(user.rawValue).json", with: Array(try CaseRecordLine.encoder.encode(settings)), mode: 0o600)
    }
}
