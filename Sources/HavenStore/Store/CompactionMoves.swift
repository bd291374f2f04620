import Glibc
import HavenCore

/// `cases.moves`: where a compaction put each case's latest line (docs/store-format.md).
///
/// A compaction changes no record, only where the lines are. A session holding the old log
/// already knows every summary and version; what it lacks after the swap is each line's new
/// place. Reading the new queue index instead (120,000 summaries) costs every session most of
/// a second of processor at once, and eight sessions on two cores made a save wait 8 s. With
/// this table a session takes in the new places in a few milliseconds.
///
/// It is written beside the log and renamed into place just before the new log takes the
/// path, so a session that finds the new log also finds its table. It is used only when it
/// names the very file the session held (device, inode, length at the swap) and the file now
/// at the path, and when every line the session knows is in it with the same version; else
/// the session reads the new log as any opening does. Like the queue index it is a cache: the
/// log stays the only record.
struct CompactionMoves: Equatable {
    static let fileName = "cases.moves"
    static let magic = Array("HVMV".utf8)
    static let formatVersion: UInt32 = 1

    struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64

        init(device: UInt64, inode: UInt64) {
            self.device = device
            self.inode = inode
        }

        init(_ file: PosixFile) throws {
            let status = try file.status()
            self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        }
    }

    struct Place: Equatable {
        var id: CaseID
        var version: CaseVersion
        var offset: Int
        var length: Int
    }

    /// The log compacted. Its length at the swap is its length for good: nothing is appended
    /// to it after, so a session reads it to its end before using the table.
    var source: FileIdentity
    /// Where the compaction cut the old log: lines before it were compacted into `places`;
    /// lines from it on were copied as they were, `compactedLength - cut` bytes later.
    var cut: Int
    /// The new log, and the bytes its compacted part takes (before the lines saved meanwhile).
    var target: FileIdentity
    var compactedLength: Int
    /// The new place of every case's latest line before the cut.
    var places: [Place]

    // MARK: Encoding

    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.bytes = Self.magic
        out.fixed32(Self.formatVersion)
        out.fixed64(source.device)
        out.fixed64(source.inode)
        out.natural(cut)
        out.fixed64(target.device)
        out.fixed64(target.inode)
        out.natural(compactedLength)
        out.natural(places.count)
        for place in places {
            out.string(place.id.rawValue)
            out.natural(place.version.rawValue)
            out.natural(place.offset)
            out.natural(place.length)
        }
        let checksum = CRC32.checksum(out.bytes)
        out.fixed32(checksum)
        return out.bytes
    }

    /// The table in `bytes`, or nil when they are not one this Haven wrote whole.
    static func decode(_ bytes: [UInt8]) -> CompactionMoves? {
        guard bytes.count >= magic.count + 8, Array(bytes.prefix(magic.count)) == magic else { return nil }
        return bytes.withUnsafeBytes { buffer -> CompactionMoves? in
            var trailer = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[(buffer.count - 4)...]))
            guard let stored = try? trailer.fixed32(),
                  CRC32.checksum(Array(bytes[..<(bytes.count - 4)])) == stored else { return nil }
            var input = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[magic.count..<(buffer.count - 4)]))
            do throws(ByteReader.Malformed) {
                guard try input.fixed32() == formatVersion else { return nil }
                let source = FileIdentity(device: try input.fixed64(), inode: try input.fixed64())
                let cut = try input.natural()
                let target = FileIdentity(device: try input.fixed64(), inode: try input.fixed64())
                let compactedLength = try input.natural()
                let count = try input.count()
                var places: [Place] = []
                places.reserveCapacity(count)
                for _ in 0..<count {
                    guard let id = CaseID(try input.string()) else { return nil }
                    places.append(Place(id: id, version: CaseVersion(try input.natural()), offset: try input.natural(), length: try input.natural()))
                }
                guard input.atEnd else { return nil }
                return CompactionMoves(source: source, cut: cut, target: target,
                                       compactedLength: compactedLength, places: places)
            } catch {
                return nil
            }
        }
    }
}

extension FileCaseStore {
    var compactionMovesPath: String { directory.appendingPathComponent(CompactionMoves.fileName).path }

    /// After a compaction replaced the log this session holds: takes in the rest of the old
    /// log (nothing is appended to it after the swap), opens the new files, and moves every
    /// line's place by the compaction's table instead of reading the new log or its index.
    /// Returns false when the table does not fit exactly, possibly having read more of the old
    /// log, opened the new files and moved some places: the caller (`reopen`, which marks the
    /// session to be read again until it is done) then reads the new log from the start, which
    /// builds the index again.
    func followCompaction() throws -> Bool {
        let clock = ContinuousClock(), started = clock.now
        defer { lastFollowSeconds = Self.seconds(clock.now - started) }
        guard let file = try? PosixFile(path: compactionMovesPath, flags: O_RDONLY),
              let bytes = try? file.readAll(), let moves = CompactionMoves.decode(bytes),
              (try? CompactionMoves.FileIdentity(cases)) == moves.source else { return false }
        // The old log is whole to its end and frozen: the compaction repaired its tail and
        // renamed another file over it under its lock, and writers find the path names another
        // file before they append. So the rest of it is read with no lock (eight sessions
        // following at once queued on it); the trail is taken in at the next look under a lock.
        var atPath = stat()
        guard stat(cases.path, &atPath) == 0, UInt64(atPath.st_ino) != moves.source.inode || UInt64(atPath.st_dev) != moves.source.device else { return false }
        if cases.size > scannedBytes { try scanCases(from: scannedBytes) }
        let sourceLength = cases.size
        guard scannedBytes == sourceLength, moves.cut <= sourceLength, tornLogSize == nil, !tornCasesTail,
              !openingProblems.contains(where: { $0.severity == .damaged && $0.file == cases.path }) else { return false }
        let heldAudit = try CompactionMoves.FileIdentity(audit)
        // No lock on the new log is needed here: its lines up to the table's end were synced
        // before it took the path, and nothing is read beyond them until the next look under
        // a lock (a save waits there for the compaction's lock until the rename is on disk).
        try openLogsAgain()
        guard try CompactionMoves.FileIdentity(cases) == moves.target, try CompactionMoves.FileIdentity(audit) == heldAudit else { return false }
        // In place, without copying the index: a table that does not fit leaves it half moved,
        // and the caller then reads the new log from the start, which builds it again.
        var compacted = 0
        var live = 0
        var savedSinceCut = [Bool](repeating: false, count: entryList.count)
        for position in entryList.indices {
            let entry = entryList[position]
            if entry.offset >= moves.cut {
                // Saved while the compaction copied: moved as a block.
                guard entry.offset + entry.length < sourceLength else { return false }
                entryList[position].offset = entry.offset - moves.cut + moves.compactedLength
                live += entry.length + 1
                savedSinceCut[position] = true
            } else {
                compacted += 1
            }
        }
        var placed = [Bool](repeating: false, count: entryList.count)
        var placedCompacted = 0
        for place in moves.places {
            guard let position = position(of: place.id), !placed[position] else { return false }
            placed[position] = true
            let entry = entryList[position]
            if savedSinceCut[position] {
                guard entry.version > place.version else { return false }
                continue
            }
            guard entry.version == place.version else { return false }
            entryList[position].offset = place.offset
            entryList[position].length = place.length
            live += place.length + 1
            placedCompacted += 1
        }
        guard placedCompacted == compacted else { return false }
        liveLogBytes = live
        scannedBytes = sourceLength - moves.cut + moves.compactedLength
        scannedInode = try cases.status().st_ino
        lastLineRead = nil
        queueIndexCovers = moves.compactedLength
        compactionsFollowed += 1
        // Saves made in the new log since: taken in now if no one is writing, else at the next
        // look (never waited for here: eight sessions following at once queue on that lock).
        do {
            try withStoreLock(.shared, wait: .once) { try catchUp() }
        } catch StoreError.busy {}
        return true
    }
}
