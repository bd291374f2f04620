// swift-tools-version:6.1
import PackageDescription

// Arrows run one way: HavenCore <- HavenStore, HavenCore <- HavenTUI <- haven.
// HavenTUI never sees HavenStore; it reaches the store through HavenCore's `CaseStore`.
let package = Package(
    name: "Haven",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "haven", targets: ["haven"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        // The PostgreSQL store's client (issue 25); it asks for swift-tools 6.1.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcurses",
            path: "Sources/CNcurses"
            // No pkgConfig: its -D_XOPEN_SOURCE flags are refused by SwiftPM; shim.h sets
            // what ncursesw needs. The library comes from Debian's libncurses-dev.
        ),
        .target(name: "HavenCore"),
        // The mixed-integer solvers (issue 26), from Debian's coinor-libcbc-dev and libglpk-dev:
        // CBC settles the hard part of an allocation; GLPK only checks Haven's answers, in the
        // tests and the benchmark.
        .systemLibrary(name: "CCbc", path: "Sources/CCbc"),
        .systemLibrary(name: "CGlpk", path: "Sources/CGlpk"),
        .target(name: "HavenMIP", dependencies: ["HavenCore", "CCbc"]),
        // CRC-32 by carry-less multiplication, where the processor has it: the one C file,
        // because Swift cannot ask for those instructions (docs/DECISIONS.md, issue 21).
        .target(name: "CHavenCRC", path: "Sources/CHavenCRC"),
        .target(name: "HavenStore", dependencies: [
            "HavenCore", "CHavenCRC",
            .product(name: "Crypto", package: "swift-crypto"),
            // The PostgreSQL store's client (issue 25), in this module beside the file store
            // so the two share one case encoding and one sealed audit line.
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "HavenTUI", dependencies: ["HavenCore", "CNcurses"]),
        .executableTarget(
            name: "haven",
            dependencies: [
                "HavenCore", "HavenStore", "HavenTUI", "HavenMIP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The crash and concurrency suites (docs/reliability.md), and the child they kill and
        // race: it saves in a loop and reports each acknowledged save.
        .executableTarget(
            name: "haven-stress",
            dependencies: [
                "HavenCore", "HavenStore", "HavenTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Speed and memory figures (docs/performance.md); run it built for release.
        .executableTarget(
            name: "haven-bench",
            dependencies: [
                "HavenCore", "HavenStore", "HavenTestSupport", "HavenMIP", "HavenSolverSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "HavenSolverSupport", dependencies: ["HavenCore", "CGlpk"], path: "Tests/HavenSolverSupport"),
        .testTarget(name: "HavenMIPTests", dependencies: ["HavenMIP", "HavenCore", "HavenStore", "HavenSolverSupport"]),
        .target(name: "HavenTestSupport", path: "Tests/HavenTestSupport"),
        .testTarget(name: "HavenCoreTests", dependencies: ["HavenCore"]),
        .testTarget(name: "HavenStoreTests", dependencies: ["HavenStore", "HavenCore", "HavenTestSupport", "CHavenCRC"]),
        // Scenarios/ holds the keystroke scripts and saved screens ScenarioTests reads from the checkout.
        .testTarget(name: "HavenTUITests", dependencies: ["HavenTUI", "HavenCore"], exclude: ["Scenarios"]),
        .testTarget(name: "HavenEndToEndTests", dependencies: ["HavenCore", "HavenStore", "HavenTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
