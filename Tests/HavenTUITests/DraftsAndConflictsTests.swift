import HavenCore
@testable import HavenTUI
import XCTest

/// Every form keeps a draft under its user, session and target; a session that is over has
/// its drafts offered back as exactly their forms; two sessions of one user keep their own;
/// and a field changed on both sides is shown with both values, never settled silently.
final class DraftsAndConflictsTests: XCTestCase {
    func app(_ store: InMemoryCaseStore) -> HavenApp { IntegrationScreensTests.app("anna.k", store) }

    func openCase(_ app: inout HavenApp) {
        app.press([.character("/")])
        app.type("1")
        app.press([.enter])
        XCTAssertEqual(app.topScreen.title, "HV-000001")
    }

    /// The travel form on case 1, with `date` typed as the travel date.
    func travelForm(_ app: inout HavenApp, date: String, notes: String? = nil) {
        openCase(&app)
        app.press([.character("l")])
        XCTAssertEqual(app.topScreen.title, "Travel", app.lines.joined(separator: "\n"))
        app.type(date)
        if let notes { app.press([.tab]); app.type(notes) }
    }

    func testTwoSessionsOfOneUserKeepTheirOwnDraftsAndADroppedOneComesBackAsItsForm() throws {
        let store = try CaseLifeScreensTests.store()
        var first = app(store), second = app(store)
        travelForm(&first, date: "2026-12-20", notes: "Рейс LO 281 через Варшаву")
        second.press([.character("1")])
        second.type("Петров")
        first.keepDraft()
        second.keepDraft()
        XCTAssertEqual(store.drafts(for: "anna.k"), [], "both sessions are running: each draft is its own")

        // The first session drops (its connection cut): its form, and only its, is offered.
        first.endSession()
        var third = app(store)
        XCTAssertEqual(third.topScreen.title, "Kept forms")
        XCTAssertEqual(third.offeredDrafts.map(\.target), ["HV-000001.travel"], "the second session's intake is its own")
        XCTAssertTrue(third.lines.contains { $0.contains("Travel HV-000001") }, third.lines.joined(separator: "\n"))
        XCTAssertFalse(third.lines.contains { $0.contains("saved since") }, "nothing saved on the case since")
        // Saved in another session while the list is open: said as it arrives.
        let other = try store.load(CaseID(number: 1))
        let anna = Actor(user: "anna.k", role: .caseworker)
        let noted = try Workflow.addNote("Паспорт готов", on: other.record, by: anna, at: IntegrationScreensTests.tick)
        _ = try store.save(noted, basedOn: other.version, by: anna, at: IntegrationScreensTests.tick)
        third.storeDidChange(store.summaries())
        XCTAssertTrue(third.lines.contains { $0.contains("Travel HV-000001") && $0.contains("saved since") }, third.lines.joined(separator: "\n"))
        third.press([.enter])
        let form = try XCTUnwrap(third.topScreen as? FormScreen)
        XCTAssertEqual(form.title, "Travel", "the same form on the same case, not a registration")
        XCTAssertEqual(third.status?.text, "Back: your \u{201C}Travel HV-000001\u{201D}, merged with v2 saved since.", "the note saved meanwhile kept")
        XCTAssertEqual(form.form.value("travelDate"), "2026-12-20")
        XCTAssertEqual(form.form.value("travelNotes"), "Рейс LO 281 через Варшаву")
        XCTAssertEqual(third.screens.map(\.title), ["Home", "HV-000001", "Travel"], "the list, now empty, closed under them")
        third.press([.control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.relocation.travelDate?.description, "2026-12-20")
        third.endSession()
        XCTAssertEqual(store.drafts(for: "anna.k"), [], "saved: nothing kept")

        // The second session's intake is untouched by all this, and is its own until it ends.
        second.keepDraft()
        second.endSession()
        XCTAssertEqual(store.drafts(for: "anna.k").map(\.values["cyrillicName.family"]), ["Петров"])
        // Listed as the one field typed: the blank form's defaults are not counted (from a walk: "9 fields").
        let fourth = app(store)
        XCTAssertTrue(fourth.lines.contains { $0.contains("Intake") && $0.contains("UTC · 1 field") }, fourth.lines.joined(separator: "\n"))
    }

    func testASameFieldConflictShowsBothValuesAndKeepsTheChosenOne() throws {
        let store = try CaseLifeScreensTests.store()
        var mine = app(store), theirs = app(store)
        travelForm(&mine, date: "2026-12-20", notes: "Через Варшаву")
        // The other session (the same user, elsewhere) saves another date and a reception place.
        travelForm(&theirs, date: "2026-12-22")
        theirs.press([.control("g"), .character("3"), .tab])
        theirs.type("Лейпциг, центр приёма")
        theirs.press([.control("s")])
        XCTAssertEqual(theirs.topScreen.title, "HV-000001", theirs.status?.text ?? "")

        // Ctrl-S meets their save: reloaded and merged at once, and the clash is asked about.
        mine.press([.control("s")])
        let conflict = try XCTUnwrap(mine.topScreen as? ConflictScreen, mine.lines.joined(separator: "\n"))
        XCTAssertEqual(conflict.clashes.map(\.id), ["travelDate"], "the reception place changed on their side only: merged")
        let lines = mine.lines.joined(separator: "\n")
        XCTAssertTrue(lines.contains("theirs   2026-12-22"), lines)
        XCTAssertTrue(lines.contains("yours    2026-12-20"), lines)
        XCTAssertTrue(lines.contains("the case as anna.k last saved it, 2026-11-24"), lines)
        // The same user in two sessions: not "by you and by anna.k" (from the walk).
        XCTAssertTrue(lines.contains("1 field changed here and by anna.k meanwhile"), lines)
        mine.press([.enter])
        XCTAssertEqual(mine.topScreen.title, "Conflict", "nothing is settled until chosen")
        mine.press([.character("t"), .enter])
        let form = try XCTUnwrap(mine.topScreen as? FormScreen)
        XCTAssertEqual(form.form.value("travelDate"), "2026-12-22", "theirs, as chosen")
        XCTAssertEqual(form.form.value("travelNotes"), "Через Варшаву", "mine, changed here only")
        XCTAssertEqual(form.form.value("receptionPlace"), "Лейпциг, центр приёма", "theirs, changed there only")
        mine.press([.control("s")])
        let saved = try store.load(CaseID(number: 1)).record.relocation
        XCTAssertEqual(saved.travelDate?.description, "2026-12-22")
        XCTAssertEqual(saved.travelNotes, "Через Варшаву")
        XCTAssertEqual(saved.receptionPlace, "Лейпциг, центр приёма")
    }

    /// A session of anna.k whose travel date 2026-12-20 has just met another session's saved
    /// 2026-12-22: on the conflict screen.
    func travelDateClash(_ store: InMemoryCaseStore) -> HavenApp {
        var mine = app(store), theirs = app(store)
        travelForm(&mine, date: "2026-12-20")
        travelForm(&theirs, date: "2026-12-22")
        theirs.press([.control("s")])
        mine.press([.control("s")])
        return mine
    }

    func testKeepingMineOnAConflictSavesMineOverTheirs() throws {
        let store = try CaseLifeScreensTests.store()
        var mine = travelDateClash(store)
        mine.press([.character("m"), .enter, .control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.relocation.travelDate?.description, "2026-12-20")
        XCTAssertEqual(store.history(of: CaseID(number: 1)).count, 3, "registered, theirs, mine: nothing lost, one after the other")
    }

    /// A save that meets another session's change to other fields merges and saves at once:
    /// nothing to choose, nothing lost on either side.
    func testASaveMeetingAChangeToOtherFieldsMergesAndSaves() throws {
        let store = try CaseLifeScreensTests.store()
        var mine = app(store), theirs = app(store)
        travelForm(&mine, date: "2026-12-20")
        travelForm(&theirs, date: "")
        theirs.press([.control("g"), .character("3"), .tab])
        theirs.type("Лейпциг")
        theirs.press([.control("s")])
        mine.press([.control("s")])
        XCTAssertEqual(mine.topScreen.title, "HV-000001", mine.status?.text ?? "")
        let saved = try store.load(CaseID(number: 1)).record.relocation
        XCTAssertEqual(saved.travelDate?.description, "2026-12-20")
        XCTAssertEqual(saved.receptionPlace, "Лейпциг")
    }

    /// A clash left undecided is still a clash after the session drops: the kept form asks
    /// about it again, it is never taken as settled.
    func testAnUndecidedClashIsAskedAgainAfterADrop() throws {
        let store = try CaseLifeScreensTests.store()
        var mine = travelDateClash(store)
        XCTAssertTrue(mine.topScreen is ConflictScreen)
        mine.press([.escape])
        mine.endSession()
        var back = app(store)
        back.press([.enter])
        let conflict = try XCTUnwrap(back.topScreen as? ConflictScreen, back.lines.joined(separator: "\n"))
        XCTAssertEqual(conflict.clashes.map(\.id), ["travelDate"])
        XCTAssertEqual(conflict.clashes.map(\.theirs), ["2026-12-22"])
    }

    /// A kept Move of a family member's reunification is about the stage it moved from: moved
    /// on elsewhere meanwhile, the draft is read back, never applied as another move.
    func testAKeptMoveOfAStageMovedElsewhereIsReadBack() throws {
        let store = try CaseLifeScreensTests.store()
        let anna = Actor(user: "anna.k", role: .caseworker)
        var stored = try store.load(CaseID(number: 1))
        let son = FamilyMember(id: 1, relationship: .son, cyrillicName: FullName(family: "Жуков", given: "Иван"),
                               latinName: FullName(family: "Zhukov", given: "Ivan"), birthDate: CalendarDate(year: 2015, month: 3, day: 1))
        _ = try store.save(try Workflow.addFamilyMember(son, to: stored.record, policy: .standard, by: anna, at: IntegrationScreensTests.tick),
                           basedOn: stored.version, by: anna, at: IntegrationScreensTests.tick)
        stored = try store.load(CaseID(number: 1))
        var dropped = app(store)
        _ = dropped.perform([.push(FamilyActions.move(stored, stored.record.family[0], context: dropped.context))])
        dropped.press([.control("g"), .character("N")])
        dropped.type("Подать на визу")
        dropped.endSession()
        let moved = try Workflow.moveReunification(member: 1, to: stored.record.family[0].stage.next!, on: IntegrationScreensTests.today,
                                                   nextAction: "Ждать визу", due: IntegrationScreensTests.today.adding(days: 14), in: stored.record, policy: .standard, by: anna,
                                                   at: IntegrationScreensTests.tick)
        _ = try store.save(moved, basedOn: stored.version, by: anna, at: IntegrationScreensTests.tick)
        var back = app(store)
        back.press([.enter])
        XCTAssertTrue(back.topScreen is TextViewScreen, back.lines.joined(separator: "\n"))
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.family[0].nextAction, "Ждать визу", "theirs, untouched")
    }

    /// A refused save is not saved again by itself once the case has moved on: travel notes
    /// typed before the arrival was recorded elsewhere are looked at first, never saved blind.
    func testAFormIsNotResavedOnACaseThatMovedOnMeanwhile() throws {
        let store = try CaseLifeScreensTests.store()
        var mine = app(store), theirs = app(store)
        travelForm(&mine, date: "", notes: "Рейс через Варшаву")
        travelForm(&theirs, date: "2026-11-24")
        theirs.press([.control("g"), .character("2")])
        theirs.type("2026-11-24")
        theirs.press([.control("g"), .character("3")])
        theirs.type("2026-11-24")
        theirs.press([.tab])
        theirs.type("Лейпциг")
        theirs.press([.tab])
        theirs.type("Мария, Caritas")
        theirs.press([.control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .integration, theirs.lines.joined(separator: "\n"))
        mine.press([.control("s")])
        XCTAssertTrue(mine.status?.text.hasPrefix("Not ") == true, mine.status?.text ?? "")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.relocation.travelNotes, "", "not saved blind")
        XCTAssertEqual(mine.topScreen.title, "Travel", "the form stays, with what was typed")
    }

    /// Ctrl-S on a form that changes nothing writes no version: an empty save would only meet
    /// every other session's save as a conflict.
    func testSavingNothingChangedWritesNoVersion() throws {
        let store = try CaseLifeScreensTests.store()
        var app = app(store)
        openCase(&app)
        app.press([.character("e"), .control("s")])
        XCTAssertEqual(app.status?.text, "Nothing changed in HV-000001: not saved again.")
        XCTAssertEqual(app.topScreen.title, "HV-000001", "the form closes as after a save")
        XCTAssertEqual(try store.load(CaseID(number: 1)).version, CaseVersion(1))
    }

    /// Two sessions starting together are both offered one kept form: the first to open it
    /// takes it; the other is told, and never puts it back a second time.
    func testTwoNewSessionsNeverBothTakeOneKeptForm() throws {
        let store = try CaseLifeScreensTests.store()
        store.keepDraft(FormDraft(session: "gone", savedAt: Timestamp(secondsSinceEpoch: 1_790_000_000), values: ["cyrillicName.family": "Соколов"],
                                  focus: "cyrillicName.family"), for: "anna.k")
        var x = app(store), y = app(store)
        x.press([.enter])
        XCTAssertEqual((x.topScreen as? IntakeScreen)?.form.value("cyrillicName.family"), "Соколов")
        y.press([.enter])
        XCTAssertEqual(y.status?.text, "Open in your other session now: your intake form.")
        XCTAssertFalse(y.topScreen is IntakeScreen)
    }

    /// A kept form on a case that moved on meanwhile is merged as it opens: fields changed
    /// there only are taken, a field changed on both sides is asked about.
    /// A kept form on a case nobody saved since comes back as it was, said so, unmarked.
    func testAKeptFormOnAnUnchangedCaseComesBackAsItWas() throws {
        let store = try CaseLifeScreensTests.store()
        var dropped = app(store)
        travelForm(&dropped, date: "2026-12-21")
        dropped.endSession()
        var back = app(store)
        XCTAssertFalse(back.lines.contains { $0.contains("saved since") || $0.hasPrefix(">!") }, back.lines.joined(separator: "\n"))
        back.press([.enter])
        XCTAssertTrue(back.status?.text.hasPrefix("Your unsaved \u{201C}Travel HV-000001\u{201D} from ") == true, back.status?.text ?? "")
        XCTAssertTrue(back.status?.text.hasSuffix(" UTC is back.") == true, back.status?.text ?? "")
        XCTAssertEqual((back.topScreen as? FormScreen)?.form.value("travelDate"), "2026-12-21")
    }

    func testAKeptFormOnACaseThatMovedOnAsksAboutTheClash() throws {
        let store = try CaseLifeScreensTests.store()
        var dropped = app(store)
        travelForm(&dropped, date: "2026-12-20", notes: "Через Варшаву")
        dropped.endSession()
        // Meanwhile the travel date is saved elsewhere (any session of anna.k opening the
        // travel form would be handed the kept one, so this is the store directly).
        var other = try store.load(CaseID(number: 1))
        other.record.relocation.travelDate = CalendarDate(year: 2026, month: 12, day: 22)
        _ = try store.save(other.record, basedOn: other.version, by: Actor(user: "anna.k", role: .caseworker), at: IntegrationScreensTests.tick)

        var back = app(store)
        // The list says so before Enter (a walk found out only on the conflict screen).
        XCTAssertTrue(back.lines.contains { $0.contains("Travel HV-000001") && $0.contains("· 2 fields · saved since") }, back.lines.joined(separator: "\n"))
        XCTAssertEqual(back.lines[2], " ! HV-000001 was saved since this form was opened")
        XCTAssertTrue(back.lines[3].hasPrefix(">!Travel HV-000001"), back.lines[3])
        back.press([.enter])
        let conflict = try XCTUnwrap(back.topScreen as? ConflictScreen, back.lines.joined(separator: "\n"))
        XCTAssertEqual(conflict.clashes.map(\.mine), ["2026-12-20"])
        XCTAssertEqual(conflict.clashes.map(\.theirs), ["2026-12-22"])
        back.press([.escape])
        let form = try XCTUnwrap(back.topScreen as? FormScreen)
        XCTAssertEqual(form.form.value("travelDate"), "2026-12-20", "undecided: mine stays, marked")
        XCTAssertEqual(form.form.messages["travelDate"], ["anna.k saved \"2026-12-22\" here."])
        // A reload does not settle it either: the undecided field is asked about again.
        back.press([.control("r")])
        XCTAssertEqual((back.topScreen as? ConflictScreen)?.clashes.map(\.id), ["travelDate"], back.lines.joined(separator: "\n"))
        back.press([.escape])
        back.press([.control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.relocation.travelNotes, "Через Варшаву")
    }

    /// A note that is full says so at the next character (a review: cut short unsaid).
    func testAFullNoteSaysSo() throws {
        let store = try CaseLifeScreensTests.store()
        var app = app(store)
        openCase(&app)
        app.press([.character("n")])
        app.type(String(repeating: "а", count: 2000))
        XCTAssertNotEqual(app.status?.kind, .warning)
        app.type("б")
        XCTAssertEqual(app.status?.text, "The note is full (2000 characters): nothing more is taken.")
        XCTAssertEqual((app.topScreen as? CaseViewScreen)?.note?.text.count, 2000)
    }

    /// A note being written and a case's person edit are kept too; Ctrl-C with typing asks.
    func testANoteIsKeptAndCtrlCAsksFirst() throws {
        let store = try CaseLifeScreensTests.store()
        var first = app(store)
        openCase(&first)
        first.press([.character("n")])
        first.type("Позвонил брат")
        XCTAssertEqual(first.handle(.control("c"), terminalSize: Size(width: 80, height: 24)), .redraw, "asked, not quit")
        XCTAssertTrue(first.status?.text.contains("Unsaved HV-000001 is kept.") == true, first.status?.text ?? "")
        XCTAssertEqual(first.handle(.character("y"), terminalSize: Size(width: 80, height: 24)), .quit)
        first.endSession()
        var next = app(store)
        next.press([.enter])
        XCTAssertEqual(next.topScreen.title, "HV-000001")
        XCTAssertEqual((next.topScreen as? CaseViewScreen)?.note?.text, "Позвонил брат", "back in its field, where Esc asks")
        XCTAssertEqual(next.status?.text.hasSuffix("is back: Enter saves, Esc asks."), true, next.status?.text ?? "")
        // n, pressed to write a note, is not typed into the one back (a walk's got "…n").
        next.press([.character("n")])
        XCTAssertEqual((next.topScreen as? CaseViewScreen)?.note?.text, "Позвонил брат")
        XCTAssertEqual(next.status?.text, "Your note is open: type on; Enter saves, Esc asks.")
        next.type(", просит перезвонить; n")
        XCTAssertEqual((next.topScreen as? CaseViewScreen)?.note?.text, "Позвонил брат, просит перезвонить; n", "only the first key")
        next.press([.enter])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.notes.last?.text, "Позвонил брат, просит перезвонить; n")
    }

    /// A kept form that no longer fits its case (the family member it was on has been renamed
    /// since, so it is about someone else by name) is never half put back: it is read back
    /// whole, and it stays kept for the next session.
    func testAKeptFormAboutSomethingElseNowIsReadBackAndStaysKept() throws {
        let store = try CaseLifeScreensTests.store()
        let anna = Actor(user: "anna.k", role: .caseworker)
        var stored = try store.load(CaseID(number: 1))
        let wife = FamilyMember(id: 1, relationship: .spouse, cyrillicName: FullName(family: "Жукова", given: "Мария"),
                                latinName: FullName(family: "Zhukova", given: "Maria"))
        _ = try store.save(try Workflow.addFamilyMember(wife, to: stored.record, policy: .standard, by: anna, at: IntegrationScreensTests.tick),
                           basedOn: stored.version, by: anna, at: IntegrationScreensTests.tick)
        stored = try store.load(CaseID(number: 1))
        var dropped = app(store)
        _ = dropped.perform([.push(FamilyActions.editMember(stored, stored.record.family[0], context: dropped.context))])
        dropped.press([.control("g"), .character("N")])
        dropped.type(" Ивановна")
        dropped.endSession()
        XCTAssertEqual(store.drafts(for: "anna.k").map(\.target), ["HV-000001.member.edit:1"])

        // Meanwhile her name is corrected elsewhere: the form would now be about "Жукова-Петрова".
        var renamed = stored.record
        renamed.family[0].cyrillicName.family = "Жукова-Петрова"
        _ = try store.save(renamed, basedOn: stored.version, by: anna, at: IntegrationScreensTests.tick)

        var back = app(store)
        back.press([.enter])
        XCTAssertTrue(back.topScreen is TextViewScreen, back.lines.joined(separator: "\n"))
        XCTAssertTrue(back.status?.text.contains("no longer fits its form") == true, back.status?.text ?? "")
        XCTAssertTrue(back.lines.contains { $0.contains("Ивановна") }, back.lines.joined(separator: "\n"))
        let text = back.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Changed here:") && text.contains("Relationship: Spouse"), "choices by their titles: \(text)")
        XCTAssertLessThan(text.range(of: "Relationship")!.lowerBound, text.range(of: "Family name (Cyrillic)")!.lowerBound, "in the form's order")
        back.endSession()
        XCTAssertEqual(store.drafts(for: "anna.k").map(\.target), ["HV-000001.member.edit:1"], "still kept, to read or discard")
    }

    /// Two over sessions left the same form (a registration each): Enter on the second row
    /// reopens that one, not the newest.
    func testEnterReopensTheDraftChosenNotAnotherOfTheSameForm() throws {
        let store = try CaseLifeScreensTests.store()
        store.keepDraft(FormDraft(session: "older", savedAt: Timestamp(secondsSinceEpoch: 1_790_000_000), values: ["cyrillicName.family": "Старый"],
                                  focus: "cyrillicName.family"), for: "anna.k")
        store.keepDraft(FormDraft(session: "newer", savedAt: Timestamp(secondsSinceEpoch: 1_790_000_100), values: ["cyrillicName.family": "Новый"],
                                  focus: "cyrillicName.family"), for: "anna.k")
        var app = app(store)
        XCTAssertEqual(app.offeredDrafts.map(\.session), ["newer", "older"])
        app.press([.down, .enter])
        XCTAssertEqual((app.topScreen as? IntakeScreen)?.form.value("cyrillicName.family"), "Старый")
        XCTAssertEqual(app.offeredDrafts.map(\.session), ["newer"], "the other is still offered")
    }

    /// Every form kept on a case can be built again from its key: a new form that keeps a
    /// draft under a key `CaseForms` does not know fails here, naming it.
    func testEveryKeptCaseFormKeyIsKnownToCaseForms() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/HavenTUI/Screens")
        let registry = try String(contentsOf: folder.appendingPathComponent("CaseView/CaseForms.swift"), encoding: .utf8)
        var keys: [String] = []
        for file in FileManager.default.enumerator(atPath: folder.path)!.compactMap({ $0 as? String }) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for marker in [".keeping(\"", "reasonForm(id, key: \""] {
                for part in text.components(separatedBy: marker).dropFirst() {
                    keys.append(String(part.prefix { $0 != "\"" && $0 != ":" && $0 != "\\" }))
                }
            }
        }
        XCTAssertGreaterThanOrEqual(keys.count, 30)
        XCTAssertTrue(keys.contains("return") && keys.contains("story.decline"), "\(keys)")
        for key in keys { XCTAssertTrue(registry.contains("case \"\(key)\""), "CaseForms cannot build the form kept as \(key)") }
    }

    /// From a walk: a kept screening form read back "reasoning: s", "reasoning: 3", … with no
    /// step named. An indented field is read with the one above it.
    func testAnIndentedFieldReadsBackWithTheFieldAboveIt() {
        let form = CaseActions.screeningForm(today: IntegrationScreensTests.today, kind: .exclusion)
        XCTAssertEqual(form.labels["exclusion.act.reasoning"], "The act · reasoning")
        XCTAssertEqual(form.labels["exclusion.individual-responsibility.reasoning"], "Individual responsibility · reasoning")
        XCTAssertEqual(form.labels["outcome"], "Outcome")
        XCTAssertEqual(Set(form.fieldIDs.compactMap { form.labels[$0] }).count, form.fieldIDs.count, "no two fields read back alike")
    }
}
