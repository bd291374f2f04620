// The only file in Haven that talks to ncurses (htop's CRT.c): terminal set-up, locale,
// keys, colours, drawing a canvas, signals, and giving the terminal back.
import CNcurses
import Glibc
import Synchronization

/// The signal that asked Haven to stop, 0 while none has. A signal handler may only touch
/// lock-free state, so this is an atomic the run loop polls.
private let pendingSignal = Atomic<Int32>(0)
/// The terminal to restore if Haven crashes; set while ncurses owns the screen.
private let screenIsActive = Atomic<Bool>(false)

/// Why the terminal could not be opened.
public enum TerminalError: Error, Equatable, CustomStringConvertible {
    case unknownTerminalType(String)
    case notATerminal

    public var description: String {
        switch self {
        case let .unknownTerminalType(name):
            "haven: the terminal type '\(name)' (from TERM) is not known on this machine.\n"
                + "Set TERM to one it knows, for example: TERM=xterm-256color haven"
        case .notATerminal:
            "haven: standard input and output must be a terminal (run haven in a terminal or over ssh -t)."
        }
    }
}

/// The ncurses implementation of `Terminal`: ncursesw with `newterm`, wide characters,
/// `werase` + `wnoutrefresh`/`doupdate` per frame so only changed cells cross the link.
public final class NcursesTerminal: Terminal {
    public let usesColour: Bool
    /// False when the locale is not UTF-8: Cyrillic cannot be shown as such.
    public let localeIsUTF8: Bool
    private var screen: OpaquePointer?
    private var window: UnsafeMutablePointer<WINDOW>?
    private var restored = false
    private var lastTimeout = Int32.min
    /// A key that cut a character's bytes short: said after them, not dropped with them.
    private var stashed: TerminalEvent?
    private var closedInput = ClosedInputDetector()

    /// Sets the locale from the environment, opens the terminal named by TERM, and installs
    /// the signal handlers that let every exit path restore the terminal.
    public init(environment: [String: String]) throws(TerminalError) {
        setlocale(LC_ALL, "")
        localeIsUTF8 = String(cString: haven_codeset()) == "UTF-8"
        guard isatty(0) == 1, isatty(1) == 1 else { throw .notATerminal }
        let termName = environment["TERM"] ?? ""
        guard !termName.isEmpty else { throw .unknownTerminalType("(empty)") }
        // newterm, unlike initscr, returns NULL for an unknown TERM instead of exiting.
        guard let opened = haven_newterm(termName) else { throw .unknownTerminalType(termName) }
        screen = opened
        window = haven_stdscr()
        screenIsActive.store(true, ordering: .sequentiallyConsistent)
        Self.installSignalHandlers()

        if environment["ESCDELAY"] == nil { set_escdelay(25) }
        raw()
        noecho()
        nonl()
        keypad(window, true)
        // Home and End as terminals under tmux and screen send them, which some terminfo
        // entries do not list: without these they would arrive as Esc and letters.
        for (sequence, code) in [("\u{1b}[1~", KEY_HOME), ("\u{1b}[4~", KEY_END), ("\u{1b}[H", KEY_HOME), ("\u{1b}[F", KEY_END),
                                 ("\u{1b}OH", KEY_HOME), ("\u{1b}OF", KEY_END), ("\u{1b}[7~", KEY_HOME), ("\u{1b}[8~", KEY_END)] {
            if key_defined(sequence) == 0 { define_key(sequence, code) }
        }
        intrflush(window, false)
        curs_set(0)

        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty
        usesColour = !noColour && has_colors() && start_color() == OK
        if usesColour { setUpColours() }
        Self.sendEachFrameInOneWrite()
    }

    /// Each frame leaves in one write(2): one packet over ssh, not a packet per changed line.
    /// ncurses gathers output in its own buffer of (lines + 2) x (columns + 6) bytes, sized
    /// when the screen opens (2,236 at 80x24), but ncurses 6 also empties it after every cursor
    /// move until the screen has once been ended and taken back (that flush is meant for
    /// programs that call `mvcur` with no curses screen), so a page of the queue went out in
    /// about 40 writes. Ending and taking the screen back once here, before anything is drawn,
    /// as Ctrl-Z and `fg` do, costs about 120 bytes once at start (leaving and re-entering
    /// the alternate screen). A frame larger than the buffer (a full repaint after the
    /// terminal grew) still goes out in buffer-sized writes; `setvbuf` on stdout cannot help,
    /// since ncurses writes to the descriptor itself.
    ///
    /// ncurses' own typeahead check is turned off: every few lines it polls standard input and,
    /// when a key is waiting, only flushes early (ncurses 6 no longer abandons the frame), which
    /// splits the frame. The run loop takes the keys already waiting before it draws instead.
    private static func sendEachFrameInOneWrite() {
        endwin()
        doupdate()
        typeahead(-1)
    }

    deinit { restore() }

    /// Fails as `init` would for an unknown TERM, without taking the screen: lets a command
    /// that first does long work (writing a demo store) fail before it starts.
    public static func checkTerminalType(environment: [String: String]) throws(TerminalError) {
        let name = environment["TERM"] ?? ""
        guard !name.isEmpty else { throw .unknownTerminalType("(empty)") }
        var error: Int32 = 0
        guard setupterm(name, 1, &error) == OK else { throw .unknownTerminalType(name) }
        del_curterm(haven_cur_term())
    }

    public var size: Size { Size(width: Int(haven_cols()), height: Int(haven_lines())) }

    public func restore() {
        guard !restored else { return }
        restored = true
        screenIsActive.store(false, ordering: .sequentiallyConsistent)
        // Keys typed ahead behind the one that quit were meant for Haven, not the shell: left
        // unread, the shell would take them as a command line (a name typed for a form would
        // run, and land in the shell's history). Ctrl-Z leaves them: those were typed for the shell.
        flushinp()
        curs_set(1)
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
    }

    public func invalidate() {
        clearok(window, true)
    }

    /// Ctrl-Z: raw mode takes the key away from the terminal driver, so Haven stops itself the
    /// way the shell expects (SIGTSTP with its default action) after giving the terminal
    /// back; `fg` continues the process here, and the next refresh restores curses' modes.
    /// A shell without job control starts Haven with SIGTSTP ignored; then nothing could bring
    /// it back, so it does not stop (and says so).
    public func suspend() -> Bool {
        var current = sigaction()
        sigaction(SIGTSTP, nil, &current)
        if let handler = current.__sigaction_handler.sa_handler, unsafeBitCast(handler, to: Int.self) == 1 { return false }
        endwin()
        let previous = signal(SIGTSTP, SIG_DFL)
        kill(getpid(), SIGTSTP)
        signal(SIGTSTP, previous)
        doupdate()
        lastTimeout = Int32.min
        return true
    }

    // MARK: Colours

    /// Colour pair number for each role; 0 is the terminal's own colours.
    private static func pair(for role: StyleRole) -> Int16 {
        Int16(role.rawValue)
    }

    private func setUpColours() {
        use_default_colors()
        let background: Int16 = -1
        let table: [(StyleRole, Int16, Int16)] = [
            (.title, Int16(COLOR_WHITE), Int16(COLOR_BLUE)),
            (.keyName, Int16(COLOR_BLACK), Int16(COLOR_CYAN)),
            (.heading, Int16(COLOR_YELLOW), background),
            (.warning, Int16(COLOR_BLACK), Int16(COLOR_YELLOW)),
            (.error, Int16(COLOR_WHITE), Int16(COLOR_RED)),
            (.muted, -1, background),
        ]
        for (role, foreground, back) in table {
            init_pair(Self.pair(for: role), foreground, back)
        }
    }

    /// The attributes and colour pair for a style. With colour, a role's pair gives the
    /// contrast, so reverse video is dropped; without, the style's own attributes stand.
    private func attributes(for style: Style) -> (attr_t, Int16) {
        var attributes = haven_a_normal()
        if style.bold { attributes |= haven_a_bold() }
        if style.underline { attributes |= haven_a_underline() }
        if style.dim { attributes |= haven_a_dim() }
        // The selection is reverse video everywhere: its escape is a third of a colour pair's,
        // and it is paid twice on every move over the link.
        if usesColour, style.role != .normal, style.role != .selection {
            return (attributes, Self.pair(for: style.role))
        }
        if style.reverse { attributes |= haven_a_reverse() }
        return (attributes, 0)
    }

    // MARK: Drawing

    /// The frame on the screen, for `showNow`.
    private var lastFrame: Canvas?

    public func showNow(_ text: String) {
        guard let lastFrame else { return }
        draw(Self.frame(lastFrame, withStatus: text))
    }

    public func draw(_ canvas: Canvas) {
        guard !restored else { return }
        lastFrame = canvas
        werase(window)
        let width = min(canvas.size.width, size.width)
        let height = min(canvas.size.height, size.height)
        var run: [wchar_t] = []
        for y in 0..<height {
            var x = 0
            while x < width {
                let style = canvas[x, y].style
                let start = x
                run.removeAll(keepingCapacity: true)
                while x < width, canvas[x, y].style == style {
                    let cell = canvas[x, y]
                    if cell.isContinuation {
                        // Without UTF-8 a wide character is one ASCII cell: keep the column.
                        if !localeIsUTF8 { run.append(wchar_t(32)) }
                    } else {
                        let shown = localeIsUTF8 ? cell.character : AsciiFallback.character(for: cell.character)
                        for scalar in shown.unicodeScalars { run.append(wchar_t(bitPattern: scalar.value)) }
                    }
                    x += 1
                }
                let (attributes, pair) = self.attributes(for: style)
                wmove(window, Int32(y), Int32(start))
                // Writing the bottom-right cell returns ERR (the cursor cannot advance); the
                // character is drawn all the same.
                _ = run.withUnsafeBufferPointer { buffer in
                    haven_put(window, buffer.baseAddress, Int32(buffer.count), attributes, pair)
                }
            }
        }
        if let cursor = canvas.cursor {
            leaveok(window, false)
            curs_set(1)
            wmove(window, Int32(cursor.y), Int32(cursor.x))
        } else {
            // No cursor to show: ncurses may leave it wherever the last change put it,
            // rather than sending it back to a corner after every frame.
            leaveok(window, true)
            curs_set(0)
        }
        wnoutrefresh(window)
        doupdate()
    }

    // MARK: Input

    public func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
        if let signal = takeSignal() { return .signal(signal) }
        let timeout = Int32(clamping: timeoutMilliseconds)
        if timeout != lastTimeout {
            wtimeout(window, timeout)
            lastTimeout = timeout
        }
        if let stashed { self.stashed = nil; return stashed }
        if !localeIsUTF8 { return nextByteEvent(timeout: timeout) }
        var character: wint_t = 0
        let started = monotonicMilliseconds()
        let result = wget_wch(window, &character)
        if let signal = takeSignal() { return .signal(signal) }
        if closedInput.record(failed: result == ERR, timeout: timeoutMilliseconds, elapsed: monotonicMilliseconds() - started) {
            return .inputClosed
        }
        if result == ERR { return nil }
        if result == haven_key_code_yes() {
            return functionKeyEvent(Int32(character))
        }
        return characterEvent(UInt32(character))
    }

    /// Without a UTF-8 locale: bytes, with a character's UTF-8 bytes put together here
    /// (`UTF8Keys`); the rest of a character is waited for a moment, as a terminal sends it whole.
    private func nextByteEvent(timeout: Int32) -> TerminalEvent? {
        var keys = UTF8Keys()
        var wait = timeout
        while true {
            let started = monotonicMilliseconds()
            let value = wgetch(window)
            if let signal = takeSignal() { return .signal(signal) }
            if closedInput.record(failed: value == ERR, timeout: Int(wait), elapsed: monotonicMilliseconds() - started) {
                return .inputClosed
            }
            if value == ERR { return keys.isPending ? .undecodable : nil }
            // A key cutting a character short comes after word of the bytes dropped.
            if value > 0xFF || value < 0x80 {
                let key = value > 0xFF ? functionKeyEvent(value) : characterEvent(UInt32(value))
                guard keys.isPending else { return key }
                stashed = key
                return .undecodable
            }
            switch keys.take(UInt8(value)) {
            case let .character(character): return .key(.character(character))
            case .invalid: return .undecodable
            case .pending:
                if wait != 50 { wtimeout(window, 50); lastTimeout = 50; wait = 50 }
            }
        }
    }

    private func takeSignal() -> Int32? {
        let signal = pendingSignal.exchange(0, ordering: .sequentiallyConsistent)
        return signal == 0 ? nil : signal
    }

    private func functionKeyEvent(_ code: Int32) -> TerminalEvent? {
        if code == haven_key_resize() { return .resize(size) }
        let table: [Int32: Key] = [
            KEY_UP: .up, KEY_DOWN: .down, KEY_LEFT: .left, KEY_RIGHT: .right,
            KEY_HOME: .home, KEY_END: .end, KEY_PPAGE: .pageUp, KEY_NPAGE: .pageDown,
            KEY_ENTER: .enter, KEY_BTAB: .backTab, KEY_BACKSPACE: .backspace,
            KEY_DC: .delete, KEY_IC: .insert,
        ]
        if let key = table[code] { return .key(key) }
        for n in 1...12 where code == haven_key_f(Int32(n)) { return .key(.function(n)) }
        return nil
    }

    private func characterEvent(_ value: UInt32) -> TerminalEvent? {
        switch value {
        case 27: return .key(.escape)
        case 13, 10: return .key(.enter)
        case 9: return .key(.tab)
        case 8, 127: return .key(.backspace)
        case 1...26:
            return .key(.control(Character(Unicode.Scalar(UInt8(value) + 96))))
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    // MARK: Signals

    private static func installSignalHandlers() {
        // Polite signals: note them; the run loop returns and the caller restores and exits.
        for number in [SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
            signal(number) { received in
                pendingSignal.store(received, ordering: .sequentiallyConsistent)
            }
        }
        // Crashes: give the terminal back before dying, so the user's shell is usable.
        for number in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(number) { received in
                if screenIsActive.exchange(false, ordering: .sequentiallyConsistent) { endwin() }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}
