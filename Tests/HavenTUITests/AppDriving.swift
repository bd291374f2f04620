@testable import HavenTUI

/// Driving the app as a person would, at 80x24: keys in, screen lines out.
extension HavenApp {
    static let testSize = Size(width: 80, height: 24)

    mutating func press(_ keys: [Key]) {
        for key in keys { _ = handle(key, terminalSize: Self.testSize) }
    }

    /// Performs commands as the top screen would have asked for them.
    mutating func perform(_ commands: [Command]) -> AppCommand {
        perform(commands, for: stack.top.id)
    }

    mutating func type(_ text: String) {
        press(text.map { Key.character($0) })
    }

    func render() -> Canvas {
        var canvas = Canvas(size: Self.testSize)
        render(into: &canvas)
        return canvas
    }

    var lines: [String] {
        var canvas = Canvas(size: Self.testSize)
        render(into: &canvas)
        return canvas.lines
    }
}
