import HavenCore
@testable import HavenTUI
import XCTest

/// "Every key of every screen is in its help": a key that does anything on a screen is either
/// in its table, or in the editing tables its help lists, or typed text.
final class KeysInHelpTests: XCTestCase {
    static let nonTextKeys: [Key] = [.up, .down, .left, .right, .home, .end, .pageUp, .pageDown, .enter, .escape, .tab, .backTab,
                                     .backspace, .delete, .insert] + (1...12).map { .function($0) }
        + "abcdefghijklmnopqrstuvwxyz".map { .control($0) }

    func testEveryKeyATextFieldTakesIsInItsTable() {
        let listed = Set(TextField.keys.bindings.flatMap(\.keys))
        for key in Self.nonTextKeys {
            var field = TextField(text: "Жуков Артём", maximumLength: 50)
            field.handle(.left)
            let before = field
            let taken = field.handle(key)
            if taken || field != before { XCTAssertTrue(listed.contains(key), "\(key) edits a text field but is not in its help") }
        }
    }

    func testEveryKeyAChoiceOrYesNoFieldTakesIsInItsTable() {
        let listed = Set(FormField.choiceKeys.bindings.flatMap(\.keys))
        for key in Self.nonTextKeys {
            var choice = FormField("c", "Choice", .choice([FormOption("a", "Alpha"), FormOption("b", "Beta")]))
            var toggle = FormField("t", "Toggle", .toggle)
            if choice.handle(key) || toggle.handle(key) { XCTAssertTrue(listed.contains(key), "\(key) changes a choice but is not in its help") }
        }
    }

    /// The help opened over a form lists its own keys, the editing keys and the choice keys.
    func testTheHelpOfAFormListsTheEditingAndChoiceKeys() {
        let context = SessionContext(user: "anna.k", today: CalendarDate(year: 2026, month: 11, day: 24)!, storeDescription: "Store")
        let form = Form(sections: [Form.Section(title: "S", fields: [FormField("x", "Text", .text(maximumLength: 10))])])
        var app = HavenApp(root: FormScreen(title: "Form", heading: "A form", form: form) { _, _ in .refused("no") }, context: context)
        _ = app.handle(.function(1), terminalSize: Size(width: 80, height: 24))
        let help = try! XCTUnwrap(app.topScreen as? HelpScreen)
        let titles = help.sections.map(\.title)
        XCTAssertEqual(titles, ["Keys on the Form screen", "Typing in a field", "On a choice or a yes/no field", "Keys everywhere"])
        let text = help.lines(width: 200).map(\.text).joined(separator: "\n")
        for binding in TextField.keys.bindings { XCTAssertTrue(text.contains(binding.help), binding.help) }
        for key in ["F3, Ctrl-O", "Ctrl-G", "Ctrl-U", "Ctrl-Z"] { XCTAssertTrue(text.contains(key), key) }
    }
}
