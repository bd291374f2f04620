/// The demo's families brought to life: each member's steps so far with dates, the next action
/// and when it is due (some overdue), the documents checklist, and a few stories told with
/// consent. Worked out from the case number and its own generator, so the cases generated
/// before (names, stages) stay as they were for the same seed.
enum DemoFamily {
    static let actions: [ReunificationStage: String] = [
        .notStarted: "Ask whether they want to come; explain the risks",
        .applicationFiled: "Gather the documents for the application",
        .documentsGathered: "Book the interview at the consulate",
        .interview: "Chase the visa decision",
        .visaGranted: "Arrange safe travel",
        .travelled: "Meet at arrival; register the address",
    ]

    static func fill(_ record: inout Case, number: Int, today: CalendarDate, policy: ReunificationPolicy) {
        var random = SeededGenerator(seed: UInt64(number) &* 2_654_435_761 &+ 17)
        let start = record.registeredAt.date
        let worker = record.assignedTo ?? record.registeredBy
        for index in record.family.indices {
            var member = record.family[index]
            member.documents = policy.checklist(for: member.relationship)
            if case .caseByCase = policy.eligibility(of: member, on: today) {
                member.eligibilityNote = "Depends on him; no one else can care for her."
            }
            let stages = ReunificationStage.allCases.filter { $0 > .notStarted && $0 <= member.stage && $0 != .withdrawn }
            let span = max(1, start.days(until: today))
            var date = start
            member.steps = stages.map { stage in
                date = min(today, date.adding(days: 1 + Int(random.next() % UInt64(max(1, span / (stages.count + 1))))))
                return ReunificationStep(stage: stage, date: date, by: worker)
            }
            member.stageDate = member.steps.last?.date ?? start
            if member.stage >= .documentsGathered {
                for document in member.documents.indices { member.documents[document].gathered = member.stageDate }
            } else if member.stage == .applicationFiled {
                for document in member.documents.indices where random.next() % 2 == 0 { member.documents[document].gathered = member.stageDate }
            }
            if !member.stage.isFinal, record.stage != .closed {
                member.nextAction = actions[member.stage] ?? ""
                // Most due in the coming weeks, about one in five already overdue.
                member.nextActionDue = today.adding(days: Int(random.next() % 50) - 10)
            }
            record.family[index] = member
        }
        // One case in nine in integration has agreed to tell his story; half of those approved.
        if record.stage == .integration, number % 9 == 0 {
            let given = min(today, (record.relocation.arrivalDate ?? start).adding(days: 30))
            record.publicity = Publicity(consentGiven: given, scope: "His crossing and his life now; no names of comrades.",
                                         neverTell: "His unit and where he crossed", elements: [.givenName, .age, .hostCountry, .work, .story],
                                         story: "I could not shoot at people who had done nothing to me. Now I learn the language and work.",
                                         proposedBy: worker)
            record.defector.consent.publicity = true
            record.defector.consent.recordedOn = record.defector.consent.recordedOn ?? given
            if number % 18 == 0 {
                record.publicity.review = Review(verdict: .approved, by: DemoCases.supervisor, at: Timestamp(date: given, hour: 15))
                if record.family.contains(where: { $0.risk == .high && !$0.stage.isFinal }) {
                    record.publicity.highRiskOverrideReason = "The story names no relative and no place; the family agreed."
                }
            }
        }
    }
}
