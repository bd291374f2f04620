import Foundation
import HavenCore
@testable import HavenStore
import Testing

/// Erasure with two people (issue 24), the same on every store: who may propose and approve,
/// what may be erased, and what remains.
@Suite struct ErasureConformanceTests {
    typealias S = StoreUnderTest

    static func isForbidden(_ error: any Error, saying words: String) -> Bool {
        if case let .forbidden(message)? = error as? StoreError { message.contains(words) } else { false }
    }

    /// A case saved, noted and closed by anna (so its history has several entries).
    static func closedCase(_ store: any CaseStore, number: Int = 1) throws -> CaseID {
        var record = S.cases(1, from: number)[0]
        _ = try store.save(record, basedOn: nil, by: S.anna, at: S.now)
        record.notes.append(Note(author: S.anna.user, at: S.now, text: "Спросил о брате"))
        _ = try store.save(record, basedOn: CaseVersion(1), by: S.anna, at: S.now)
        record.stage = .closed
        record.stageHistory.append(StageChange(stage: .closed, at: S.now, by: S.maria.user, transition: .close))
        record.closure = Closure(reason: .withdrawn, details: "Уехал к семье в Ригу")
        _ = try store.save(record, basedOn: CaseVersion(2), by: S.maria, at: S.now)
        return record.id
    }

    @Test(arguments: StoreUnderTest.allCases)
    func oneProposesAnotherApprovesAndTheTombstoneRemains(kind: StoreUnderTest) throws {
        let (store, session, cleanUp) = try kind.make()
        defer { cleanUp() }
        let schedule = RetentionSchedule.standard
        let id = try Self.closedCase(store)
        let before = try store.load(id).record
        let proposal = ErasureProposal(caseID: id, rule: "on-request", reason: "Asked for deletion in writing", proposedBy: S.maria.user,
                                       proposedAt: S.now)
        // A caseworker may not propose; a proposal in someone else's name is refused.
        #expect(throws: StoreError.self) {
            try store.proposeErasure(ErasureProposal(caseID: id, rule: "on-request", reason: "Asked for deletion in writing",
                                                     proposedBy: S.anna.user, proposedAt: S.now), schedule: schedule, by: S.anna)
        }
        #expect { try store.proposeErasure(proposal, schedule: schedule, by: S.admin) } throws: { Self.isForbidden($0, saying: "proposer") }
        // The schedule's rule is checked: not due yet under "closed", a rule it does not have.
        var early = proposal
        early.rule = "closed"
        #expect { try store.proposeErasure(early, schedule: schedule, by: S.maria) } throws: { Self.isForbidden($0, saying: "not due") }
        early.rule = "never"
        #expect { try store.proposeErasure(early, schedule: schedule, by: S.maria) } throws: { Self.isForbidden($0, saying: "no retention rule") }
        try store.proposeErasure(proposal, schedule: schedule, by: S.maria)
        #expect(try session().erasureProposals() == [proposal])
        #expect { try store.proposeErasure(proposal, schedule: schedule, by: S.maria) } throws: { Self.isForbidden($0, saying: "already proposed") }

        // The proposer cannot approve; a caseworker cannot; another supervisor or administrator does.
        #expect { _ = try store.erase(id, schedule: schedule, by: S.maria, at: S.now) { _ in } } throws: { Self.isForbidden($0, saying: "another") }
        #expect(throws: StoreError.self) { _ = try store.erase(id, schedule: schedule, by: S.anna, at: S.now) { _ in } }
        let report = try session().erase(id, schedule: schedule, by: S.admin, at: S.now) { _ in }
        #expect(report.version == CaseVersion(4))
        #expect(report.erasure.proposedBy == S.maria.user && report.erasure.approvedBy == S.admin.user && report.erasure.rule == "on-request")
        #expect(report.entriesErased == 4, "three saves and the proposal")
        #expect(report.logNotCompacted == nil)

        let fresh = try session()
        let kept = try fresh.load(id)
        #expect(kept.version == CaseVersion(4))
        #expect(kept.record == before.tombstone(report.erasure))
        #expect(kept.record.defector.cyrillicName.isEmpty && kept.record.notes.isEmpty && kept.record.closure == Closure(reason: .withdrawn))
        #expect(kept.record.stageHistory == before.stageHistory)
        let summary = try #require(try fresh.summaries().first { $0.id == id })
        #expect(summary.cyrillicName == Erasure.listName && summary.latinName == Erasure.listName && summary.isErased)
        // The history keeps who changed which field when; no value but the erasure's own.
        let history = try fresh.history(of: id)
        #expect(history.count == 4)
        #expect(history.dropLast().allSatisfy { entry in entry.changes.allSatisfy { ($0.before.map(FieldChange.isErased) ?? true) && ($0.after.map(FieldChange.isErased) ?? true) } })
        #expect(history.dropLast().map(\.user) == [S.anna.user, S.anna.user, S.maria.user])
        #expect(history.last?.changes == [FieldChange(field: ErasureContract.field, before: nil, after: report.erasure.description)])
        #expect(try fresh.erasureProposals().isEmpty)
        // Nothing more is written in it, by a save or a proposal.
        var edited = kept.record
        edited.defector.cyrillicName = FullName(family: "Иванов")
        #expect { _ = try fresh.save(edited, basedOn: kept.version, by: S.maria, at: S.now) } throws: { Self.isForbidden($0, saying: "erased") }
        #expect { try fresh.proposeErasure(proposal, schedule: schedule, by: S.maria) } throws: { Self.isForbidden($0, saying: "already erased") }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func onlyAClosedUnlinkedCaseIsErasedAndNoSaveSetsAnErasure(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        let schedule = RetentionSchedule.standard
        let open = S.cases(1, from: 5)[0]
        _ = try store.save(open, basedOn: nil, by: S.anna, at: S.now)
        let proposal = ErasureProposal(caseID: open.id, rule: "on-request", reason: "Asked for deletion in writing", proposedBy: S.maria.user, proposedAt: S.now)
        #expect { try store.proposeErasure(proposal, schedule: schedule, by: S.maria) } throws: { Self.isForbidden($0, saying: "only a closed case") }
        // A save cannot make a tombstone by itself.
        var forged = open
        forged.erasure = Erasure(proposal, approvedBy: S.admin.user, at: S.now)
        #expect { _ = try store.save(forged, basedOn: CaseVersion(1), by: S.maria, at: S.now) } throws: { Self.isForbidden($0, saying: "second person") }
        // A case another case records as a family member's own is not erased while linked.
        let id = try Self.closedCase(store, number: 7)
        var relative = S.cases(1, from: 8)[0]
        relative.family = [FamilyMember(id: 1, relationship: .brother, cyrillicName: FullName(family: "Брат"), latinName: FullName(family: "Brat"),
                                        linkedCase: id)]
        var closed = try store.load(id)
        closed.record.family = [FamilyMember(id: 1, relationship: .brother, cyrillicName: FullName(family: "Брат2"),
                                             latinName: FullName(family: "Brat2"), linkedCase: relative.id)]
        _ = try store.save(together: [CaseUpdate(relative, basedOn: nil), CaseUpdate(closed.record, basedOn: closed.version)], by: S.maria, at: S.now)
        var linked = proposal
        linked.caseID = id
        #expect { try store.proposeErasure(linked, schedule: schedule, by: S.maria) } throws: { Self.isForbidden($0, saying: "family member in HV-000008") }
        #expect(try store.erasureProposals().isEmpty)
        // A withdrawal needs a proposal.
        #expect { try store.withdrawErasure(of: id, by: S.maria, at: S.now) } throws: { Self.isForbidden($0, saying: "no erasure") }
    }
}
