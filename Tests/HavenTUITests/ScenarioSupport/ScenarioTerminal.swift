@testable import HavenTUI

/// The terminal a scenario runs on: it types a script's keys into the real run loop
/// (`TerminalSession.run`) and keeps the frames the loop draws, the way tig feeds its test
/// scripts through its input loop. No sleeps: the script's person waits for the loop to be idle.
///
/// The loop asks for the next event with a timeout of 0 while it has work of its own (a
/// background job's next step, keys already typed ahead); the script answers those with
/// nothing, so each key is given when the loop blocks for one, with everything before it done
/// and drawn. That is also when a `shot` or an `expect` reads the screen: the last frame drawn,
/// what a person at the terminal would see.
final class ScenarioTerminal: Terminal {
    /// A step at the terminal: a key to give, or a look at the screen that returns false to stop the script.
    enum Step {
        case key(Key)
        case look((Canvas) -> Bool)
    }

    let size: Size
    private var steps: ArraySlice<Step>
    private(set) var frames = 0
    private(set) var lastFrame: Canvas?
    /// True when a look stopped the script before its end.
    private(set) var stopped = false

    init(size: Size, steps: [Step]) {
        self.size = size
        self.steps = steps[...]
    }

    /// Whether every step was given or looked at.
    var finished: Bool { steps.isEmpty }

    func draw(_ canvas: Canvas) {
        frames += 1
        lastFrame = canvas
    }

    func showNow(_ text: String) {
        if let lastFrame { draw(Self.frame(lastFrame, withStatus: text)) }
    }

    func invalidate() {}
    func restore() {}
    func suspend() -> Bool { false }

    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
        guard timeoutMilliseconds > 0 else { return nil }
        while let step = steps.first {
            steps = steps.dropFirst()
            switch step {
            case let .key(key):
                return .key(key)
            case let .look(check):
                if !check(lastFrame ?? Canvas(size: size)) {
                    stopped = true
                    return .inputClosed
                }
            }
        }
        return .inputClosed
    }
}
