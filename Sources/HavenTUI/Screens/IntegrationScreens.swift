import HavenCore

/// The administrator's keys on the Courses and Jobs screens.
public enum CatalogueAdminAction: Sendable { case add, edit, remove, confirmRemove, cancelRemove }

/// What the Courses and Jobs screens share: the catalogue from the store, the selected row,
/// and the administrator's add / edit / remove (asking y/n before a removal).
struct CatalogueList {
    var catalogue: IntegrationCatalogue?
    var selected = 0
    var confirmingRemove = false

    mutating func receive(reply: StoreReply) -> [Command]? {
        switch reply {
        case let .catalogue(fresh):
            catalogue = fresh
            return []
        case let .updated(saved, refused):
            let failed = refused.first.map { "\($0.0): \($0.1)" }
            return [.query(.catalogue), .status(failed ?? "Saved \(saved.map(\.rawValue).joined(separator: ", ")).", failed == nil ? .info : .error)]
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return nil
        }
    }

    mutating func move(by offset: Int, count: Int) { selected = max(0, min(count - 1, selected + offset)) }

    /// What the administrator's keys do to `current`: open `form` (nil to add), or ask and remove.
    mutating func handle<Item: CatalogueItem>(_ action: CatalogueAdminAction, current: Item?, form: (Item?) -> FormScreen,
                                             removal: (String) -> CatalogueEdit) -> [Command] {
        switch action {
        case .add: return [.push(form(nil))]
        case .edit: return current.map { [.push(form($0))] } ?? []
        case .remove:
            guard let current else { return [] }
            confirmingRemove = true
            return [.status("Remove \(current.id)? y removes, n keeps.", .warning)]
        case .confirmRemove:
            confirmingRemove = false
            return current.map { [.changeCatalogue(removal($0.id))] } ?? []
        case .cancelRemove:
            confirmingRemove = false
            return [.status("Kept.", .info)]
        }
    }

    /// The administrator's keys, or (while a removal waits for y/n) the answer keys.
    func adminKeys<Action>(_ context: SessionContext, what: String, _ wrap: (CatalogueAdminAction) -> Action) -> [KeyBinding<Action>] {
        if confirmingRemove {
            return KeyBinding.yesNo(wrap(.confirmRemove), "Remove", "Remove it", no: wrap(.cancelRemove), "Keep", "Keep it")
        }
        guard context.may(.manageIntegrationCatalogue) else { return [] }
        return [
            KeyBinding([.character("+")], wrap(.add), label: "Add", help: "Add a \(what)"),
            KeyBinding([.character("e")], wrap(.edit), label: "Edit", help: "Change the selected \(what)"),
            KeyBinding([.character("-")], wrap(.remove), label: "Remove", help: "Remove the selected \(what) (asks y/n; not one cases use)"),
        ]
    }

    /// A form's problems from an item's own checks, each beside its field.
    static func problems<Item: CatalogueItem>(_ item: Item, countries: [HostCountry]) -> [ValidationIssue] {
        item.issues(countries: countries).map { ValidationIssue(field: $0.field, message: $0.message) }
    }

    static func countryOptions(_ context: SessionContext) -> [FormOption] {
        (context.reference?.countries ?? []).map { FormOption($0.code.rawValue, "\($0.code) \($0.name)") }
    }

    /// "12" → 12; nil (with the problem) for anything else.
    static func number(_ form: Form, _ field: String, _ problems: inout [ValidationIssue]) -> Int {
        guard let value = Int(form.value(field).trimmingCharacters(in: .whitespaces)) else {
            problems.append(ValidationIssue(field: field, message: "Give a whole number."))
            return 0
        }
        return value
    }
}

/// The language courses: seats, enrolled and waiting per course, and the selected course's
/// roster with its waiting list in order. A seat that comes free goes to the first in line
/// (`a`); administrators add, change and remove courses.
public struct CoursesScreen: Screen {
    public enum Action: Sendable { case up, down, admit, admin(CatalogueAdminAction) }

    let context: SessionContext
    var list = CatalogueList()

    public init(context: SessionContext) { self.context = context }

    public var title: String { "Courses" }
    public var minimumSize: Size { Size(width: 60, height: 16) }
    var courses: [LanguageCourse] { list.catalogue?.courses ?? [] }
    var current: LanguageCourse? { courses.indices.contains(list.selected) ? courses[list.selected] : nil }

    public var keyTable: KeyTable<Action> {
        if list.confirmingRemove { return KeyTable(list.adminKeys(context, what: "course", Action.admin)) }
        return KeyTable([
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next course"),
            KeyBinding([.up, .character("k")], .up, help: "Previous course"),
        ] + (context.may(.recordIntegration) ? [
            KeyBinding([.character("a")], .admit, label: "Admit", help: "Give a free seat to the first case on the waiting list"),
        ] : []) + list.adminKeys(context, what: "course", Action.admin))
    }

    /// What it asks for when it opens.
    public mutating func start() -> [Command] { [.query(.catalogue)] }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: list.move(by: -1, count: courses.count)
        case .down: list.move(by: 1, count: courses.count)
        case .admit:
            guard let current, let catalogue = list.catalogue else { return [] }
            let roster = catalogue.roster(current)
            guard let first = roster.waiting.first else { return [.status("Nobody is waiting for \(current.id).", .info)] }
            guard roster.freeSeats > 0 else { return [.status("\(current.id) has no free seat; \(roster.waiting.count) waiting.", .info)] }
            return [.update([first.id], change: CaseChange("Admit to \(current.id)") { record, actor, time in
                try Workflow.admit(record, to: roster, by: actor, at: time)
            })]
        case let .admin(action):
            let context = context
            return list.handle(action, current: current, form: { Self.form($0, context: context) }, removal: { .courses(.remove($0)) })
        }
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        let effects = list.receive(reply: reply) ?? []
        list.move(by: 0, count: courses.count)
        return effects
    }

    /// Others' enrolments and placements, and a course or opening added or changed
    /// elsewhere: the catalogue is asked for again (it brings the summaries with it).
    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        list.catalogue?.update(summaries: summaries)
        return [.query(.catalogue)]
    }

    static func form(_ course: LanguageCourse?, context: SessionContext) -> FormScreen {
        let form = Form(sections: [Form.Section(title: course == nil ? "New course" : "Course \(course!.id)", fields: [
        ] + (course == nil ? [FormField("id", "Identifier", .text(maximumLength: 40), hint: "e.g. de-leipzig-b1-2027")] : []) + [
            FormField("provider", "Provider", .text(maximumLength: 120), value: course?.provider ?? ""),
            FormField("language", "Language", .text(maximumLength: 2), hint: "ISO 639-1, e.g. de", value: course?.language.rawValue ?? ""),
            FormField("targetLevel", "Target level", .choice(FormOption.all(CEFRLevel.self)), value: course?.targetLevel.rawValue ?? "B1"),
            FormField("country", "Country", .choice(CatalogueList.countryOptions(context)), value: course?.country.rawValue ?? ""),
            FormField("city", "City", .text(maximumLength: 120), value: course?.city ?? ""),
            FormField("schedule", "Schedule", .text(maximumLength: 200), hint: "days, hours, weeks", value: course?.schedule ?? ""),
            FormField("capacity", "Seats", .text(maximumLength: 3), value: course.map { String($0.capacity) } ?? "", number: true),
        ])])
        return FormScreen(title: "Course", heading: (course == nil ? "Add a language course" : "Change \(course!.id)") + " · Ctrl-S saves",
                          form: form) { form, now in
            var problems: [ValidationIssue] = []
            let capacity = CatalogueList.number(form, "capacity", &problems)
            guard let language = LanguageCode(form.value("language").lowercased()) else {
                return .problems(problems + [ValidationIssue(field: "language", message: "Give a two-letter ISO 639-1 code, such as de.")])
            }
            guard let country = CountryCode(form.value("country")) else {
                return .problems(problems + [ValidationIssue(field: "country", message: "Choose a host country.")])
            }
            let item = LanguageCourse(id: course?.id ?? form.value("id").trimmingCharacters(in: .whitespaces),
                                      provider: form.value("provider").trimmingCharacters(in: .whitespaces), language: language,
                                      targetLevel: CEFRLevel(rawValue: form.value("targetLevel")) ?? .b1, country: country,
                                      city: form.value("city").trimmingCharacters(in: .whitespaces),
                                      schedule: form.value("schedule").trimmingCharacters(in: .whitespaces), capacity: capacity)
            problems += problems.isEmpty ? CatalogueList.problems(item, countries: context.reference?.countries ?? []) : []
            guard problems.isEmpty else { return .problems(problems) }
            return .perform([.changeCatalogue(.courses(course == nil ? .add([item]) : .update(item)))])
        }
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        guard let catalogue = list.catalogue else {
            canvas.put(" Reading the courses…", x: area.x, y: area.y, width: area.width, style: .muted)
            return
        }
        canvas.put(" Language courses: \(courses.count)", x: area.x, y: area.y, width: area.width, style: .heading)
        guard !courses.isEmpty else {
            canvas.put(context.may(.manageIntegrationCatalogue) ? " No courses yet; + adds one." : " No courses yet; an administrator adds them.",
                       x: area.x, y: area.y + 2, width: area.width, style: .muted)
            return
        }
        let listHeight = max(3, min(courses.count, area.height / 2 - 2))
        canvas.put(" " + DisplayWidth.fit("Course", to: 18) + DisplayWidth.fit("Lang", to: 8) + DisplayWidth.fit("City", to: 16) + "Seats  Waiting",
                   x: area.x, y: area.y + 1, width: area.width, style: Style(.heading, bold: true, underline: true))
        let first = max(0, min(list.selected - listHeight / 2, courses.count - listHeight))
        for (offset, course) in courses.dropFirst(first).prefix(listHeight).enumerated() {
            let y = area.y + 2 + offset
            let roster = catalogue.roster(course)
            let line = " " + DisplayWidth.fit(course.id, to: 18) + DisplayWidth.fit("\(course.language) \(course.targetLevel.rawValue)", to: 8)
                + DisplayWidth.fit(course.city, to: 16) + DisplayWidth.fit("\(roster.enrolled.count)/\(course.capacity)", to: 7)
                + (roster.waiting.isEmpty ? "" : String(roster.waiting.count))
            let isSelected = first + offset == list.selected
            canvas.putListRow(line, x: area.x, y: y, width: area.width, style: (roster.isFull ? .muted : .normal), selected: isSelected)
        }
        guard let current else { return }
        let roster = catalogue.roster(current)
        var y = area.y + 3 + listHeight
        canvas.put(" \(current.title) · \(current.schedule)", x: area.x, y: y, width: area.width, style: .heading)
        y += 1
        let half = area.width / 2
        canvas.put(" Enrolled \(roster.enrolled.count) of \(current.capacity)", x: area.x, y: y, width: half, style: .muted)
        canvas.put(" Waiting list \(roster.waiting.count)" + (roster.freeSeats > 0 && !roster.waiting.isEmpty ? " · a admits the first" : ""),
                   x: area.x + half, y: y, width: area.width - half, style: .muted)
        let rows = area.maxY - y - 1
        for (offset, entry) in roster.enrolled.prefix(rows).enumerated() {
            canvas.put(" \(entry.id) \(entry.name)", x: area.x, y: y + 1 + offset, width: half)
        }
        for (offset, entry) in roster.waiting.prefix(rows).enumerated() {
            canvas.put(" \(offset + 1). \(entry.id) \(entry.name) \(entry.requestedOn)", x: area.x + half, y: y + 1 + offset, width: area.width - half)
        }
    }
}

/// The job openings: places filled per opening, the selected one's details, and Enter for its
/// candidates ranked with reasons; administrators add, change and remove openings (a CSV file
/// of many goes through `haven openings import`).
public struct JobsScreen: Screen {
    public enum Action: Sendable { case up, down, candidates, admin(CatalogueAdminAction) }

    let context: SessionContext
    var list = CatalogueList()

    public init(context: SessionContext) { self.context = context }

    public var title: String { "Jobs" }
    public var minimumSize: Size { Size(width: 60, height: 16) }
    var openings: [JobOpening] { list.catalogue?.openings ?? [] }
    var current: JobOpening? { openings.indices.contains(list.selected) ? openings[list.selected] : nil }

    public var keyTable: KeyTable<Action> {
        if list.confirmingRemove { return KeyTable(list.adminKeys(context, what: "job opening", Action.admin)) }
        return KeyTable([
            KeyBinding([.enter], .candidates, label: "Candidates", help: "The cases looking for work in its country, ranked with reasons"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next opening"),
            KeyBinding([.up, .character("k")], .up, help: "Previous opening"),
        ] + list.adminKeys(context, what: "job opening", Action.admin))
    }

    /// What it asks for when it opens.
    public mutating func start() -> [Command] { [.query(.catalogue)] }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: list.move(by: -1, count: openings.count)
        case .down: list.move(by: 1, count: openings.count)
        case .candidates:
            guard let current, let catalogue = list.catalogue else { return [.status("There is no opening to match.", .info)] }
            return [.push(MatchListScreen.candidates(for: current, context: context, catalogue: catalogue))]
        case let .admin(action):
            let context = context
            return list.handle(action, current: current, form: { Self.form($0, context: context) }, removal: { .openings(.remove($0)) })
        }
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        let effects = list.receive(reply: reply) ?? []
        list.move(by: 0, count: openings.count)
        return effects
    }

    /// Others' enrolments and placements, and a course or opening added or changed
    /// elsewhere: the catalogue is asked for again (it brings the summaries with it).
    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        list.catalogue?.update(summaries: summaries)
        return [.query(.catalogue)]
    }

    static func form(_ opening: JobOpening?, context: SessionContext) -> FormScreen {
        let form = Form(sections: [Form.Section(title: opening == nil ? "New opening" : "Opening \(opening!.id)", fields: [
        ] + (opening == nil ? [FormField("id", "Identifier", .text(maximumLength: 40), hint: "e.g. de-8332-logistik")] : []) + [
            FormField("employer", "Employer", .text(maximumLength: 120), value: opening?.employer ?? ""),
            FormField("country", "Country", .choice(CatalogueList.countryOptions(context)), value: opening?.country.rawValue ?? ""),
            FormField("city", "City", .text(maximumLength: 120), value: opening?.city ?? ""),
            FormField("occupation", "ISCO-08", .text(maximumLength: 4), hint: "four digits, e.g. 8332", value: opening?.occupation.rawValue ?? ""),
            FormField("languages", "Languages", .text(maximumLength: 60), hint: "de:B1; en:A2 (empty for none)",
                      value: opening?.languages.map(\.description).joined(separator: "; ") ?? ""),
            FormField("startDate", "Start", .date, hint: "YYYY-MM-DD", value: opening?.startDate.description ?? ""),
            FormField("places", "Places", .text(maximumLength: 4), value: opening.map { String($0.places) } ?? "", number: true),
        ])])
        return FormScreen(title: "Opening", heading: (opening == nil ? "Add a job opening" : "Change \(opening!.id)") + " · Ctrl-S saves",
                          form: form) { form, now in
            var problems: [ValidationIssue] = []
            let places = CatalogueList.number(form, "places", &problems)
            let occupation = ISCOCode(form.value("occupation").trimmingCharacters(in: .whitespaces))
            if occupation == nil { problems.append(ValidationIssue(field: "occupation", message: "Four digits, such as 8332.")) }
            let start = CalendarDate(iso: form.value("startDate"))
            if start == nil { problems.append(ValidationIssue(field: "startDate", message: FormKeys.dateMessage(form.value("startDate")))) }
            var languages: [LanguageRequirement] = []
            switch LanguageRequirement.parse(form.value("languages")) {
            case let .success(parsed): languages = parsed
            case let .failure(issue): problems.append(ValidationIssue(field: "languages", message: issue.message))
            }
            guard let country = CountryCode(form.value("country")) else {
                return .problems(problems + [ValidationIssue(field: "country", message: "Choose a host country.")])
            }
            guard problems.isEmpty, let occupation, let start else { return .problems(problems) }
            let item = JobOpening(id: opening?.id ?? form.value("id").trimmingCharacters(in: .whitespaces),
                                  employer: form.value("employer").trimmingCharacters(in: .whitespaces), country: country,
                                  city: form.value("city").trimmingCharacters(in: .whitespaces), occupation: occupation,
                                  languages: languages, startDate: start, places: places)
            problems = CatalogueList.problems(item, countries: context.reference?.countries ?? [])
            guard problems.isEmpty else { return .problems(problems) }
            return .perform([.changeCatalogue(.openings(opening == nil ? .add([item]) : .update(item)))])
        }
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        guard let catalogue = list.catalogue else {
            canvas.put(" Reading the openings…", x: area.x, y: area.y, width: area.width, style: .muted)
            return
        }
        canvas.put(" Job openings: \(openings.count)", x: area.x, y: area.y, width: area.width, style: .heading)
        guard !openings.isEmpty else {
            canvas.put(context.may(.manageIntegrationCatalogue) ? " No openings yet; + adds one, haven openings import adds many."
                       : " No openings yet; an administrator adds them.", x: area.x, y: area.y + 2, width: area.width, style: .muted)
            return
        }
        let use = catalogue.openingUse
        let listHeight = max(3, min(openings.count, area.height - 9))
        canvas.put(" " + DisplayWidth.fit("Opening", to: 16) + DisplayWidth.fit("Employer", to: 18) + DisplayWidth.fit("ISCO", to: 5)
                   + DisplayWidth.fit("Filled", to: 7) + "City", x: area.x, y: area.y + 1, width: area.width, style: Style(.heading, bold: true, underline: true))
        let first = max(0, min(list.selected - listHeight / 2, openings.count - listHeight))
        for (offset, opening) in openings.dropFirst(first).prefix(listHeight).enumerated() {
            let y = area.y + 2 + offset
            let filled = use.taken[opening.id] ?? 0
            let line = " " + DisplayWidth.fit(opening.id, to: 16) + DisplayWidth.fit(opening.employer, to: 18)
                + DisplayWidth.fit(opening.occupation.rawValue, to: 5) + DisplayWidth.fit("\(filled)/\(opening.places)", to: 7)
                + "\(opening.city), \(opening.country)"
            let isSelected = first + offset == list.selected
            canvas.putListRow(line, x: area.x, y: y, width: area.width, style: (filled >= opening.places ? .muted : .normal), selected: isSelected)
        }
        guard let current else { return }
        var y = area.y + 3 + listHeight
        let occupation = context.reference?.occupations.group(current.occupation)?.title ?? ""
        let details = [
            "\(current.employer), \(current.city) (\(current.country)) from \(current.startDate)",
            "\(current.occupation) \(occupation)",
            "Languages: " + (current.languages.isEmpty ? "none required" : current.languages.map { "\($0.language) \($0.minimum.rawValue) or better" }.joined(separator: ", ")),
            "Places: \(current.places), filled \(use.taken[current.id] ?? 0); \(use.referenced[current.id] ?? 0) case(s) applied or placed · Enter ranks candidates",
        ]
        for line in details where y < area.maxY {
            canvas.put(" " + line, x: area.x, y: y, width: area.width, style: y == area.y + 3 + listHeight ? .heading : .normal)
            y += 1
        }
    }
}
