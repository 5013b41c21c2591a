// swift-tools-version:6.1
import PackageDescription

// Layers, each importing only the ones below it:
//   RidaCore (domain) → RidaSeeds (configuration files), RidaStats (pure math), RidaStore (GRDB)
//   → RidaAnalytics → RidaReports, RidaServer → rida (command line)
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "rida",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rida", targets: ["rida"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Settings from flags, RIDA_* environment variables and a YAML file, in that order; the
        // package Hummingbird itself reads its configuration with (already in its graph).
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        // The HTTP request parts the connection deadlines observe (already in Hummingbird's graph).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // Domain: pure types and rules, no I/O.
        .target(
            name: "RidaCore",
            // CSV.swift reads the bulk-issue file's text (no I/O), shared by the CLI and the staff console.
            dependencies: [.product(name: "Crypto", package: "swift-crypto"), .product(name: "CSV", package: "CSV.swift")],
            swiftSettings: swiftSettings
        ),
        // Configuration: reads and validates seeds/ (YAML) into domain types.
        .target(
            name: "RidaSeeds",
            dependencies: ["RidaCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Synthetic data for demonstrations and benchmarks: deterministic for a seed.
        .target(name: "RidaDemo", dependencies: ["RidaCore"], swiftSettings: swiftSettings),
        // QR codes for survey links, as SVG and PNG: libqrencode is loaded at run time (Debian's
        // libqrencode4), so building needs no QR library and only making codes needs it.
        .target(name: "RidaQRCode", swiftSettings: swiftSettings),
        // Pure statistics.
        .target(name: "RidaStats", swiftSettings: swiftSettings),
        // Embedded store (SQLite through GRDB) behind the domain's storage protocols.
        .target(
            name: "RidaStore",
            dependencies: [
                "RidaCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Analysis over the storage protocols.
        .target(name: "RidaAnalytics", dependencies: ["RidaCore", "RidaStats"], swiftSettings: swiftSettings),
        // Report rendering: HTML templates, CSV.
        .target(
            name: "RidaReports",
            dependencies: [
                "RidaCore", "RidaStats", "RidaAnalytics", .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP server.
        .target(
            name: "RidaServer",
            dependencies: [
                "RidaCore", "RidaStats", "RidaAnalytics", "RidaReports", "RidaQRCode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line: parse, call, print.
        .executableTarget(
            name: "rida",
            dependencies: [
                "RidaCore", "RidaSeeds", "RidaDemo", "RidaStats", "RidaStore", "RidaAnalytics", "RidaReports", "RidaServer", "RidaQRCode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RidaCoreTests", dependencies: ["RidaCore"], swiftSettings: swiftSettings),
        .testTarget(name: "RidaSeedsTests", dependencies: ["RidaSeeds", "RidaCore"], swiftSettings: swiftSettings),
        .testTarget(name: "RidaQRCodeTests", dependencies: ["RidaQRCode"], swiftSettings: swiftSettings),
        .testTarget(name: "RidaDemoTests", dependencies: ["RidaDemo", "RidaCore", "RidaSeeds"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RidaStatsTests", dependencies: ["RidaStats"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(
            name: "RidaStoreTests",
            dependencies: ["RidaStore", "RidaCore", "RidaSeeds", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RidaAnalyticsTests", dependencies: ["RidaAnalytics", "RidaCore"], swiftSettings: swiftSettings),
        .testTarget(name: "RidaReportsTests", dependencies: ["RidaReports", "RidaCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RidaServerTests",
            dependencies: [
                "RidaServer", "RidaCore", "RidaStore", "RidaSeeds", "RidaAnalytics",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // End-to-end tests of the built `rida` executable.
        .testTarget(
            name: "RidaCLITests",
            dependencies: ["rida", "RidaStore", "RidaCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
    ]
)
