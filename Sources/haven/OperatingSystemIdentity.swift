import Glibc
import HavenCore

/// Who is running Haven, from the operating system: the real user id's account name.
/// Never from the environment ($USER, $LOGNAME) or anything typed, which anyone can set.
enum OperatingSystemIdentity {
    static func currentUser() -> UserName {
        let uid = getuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name, let user = UserName(String(cString: name)) {
            return user
        }
        // An account with no passwd entry (a bare container) is known by its number.
        return UserName("uid-\(uid)")!
    }
}

extension OperatingSystemIdentity {
    /// Whether the server has a user account of this name.
    static func accountExists(_ name: String) -> Bool { getpwnam(name) != nil }
}
