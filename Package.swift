// swift-tools-version:6.1
import PackageDescription

// Dependencies point inward: anongate → GatewayWeb → GatewayServices → GatewayStore → GatewayCrypto → GatewayCore.
let package = Package(
    name: "anongate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "anongate", targets: ["anongate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        // Already in the graph through Hummingbird; named here for the store maintenance service.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        // Aggregate request metrics (README, Operations: Metrics) and native TLS (HummingbirdTLS over NIOSSL).
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
    ],
    targets: [
        .target(name: "GatewayCore"),
        .target(
            name: "GatewayConfig",
            dependencies: ["GatewayCore", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "GatewayCrypto",
            dependencies: [
                "GatewayCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "GatewayStore",
            dependencies: [
                "GatewayCore", "GatewayCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The application layer: booking and case services in domain terms, throwing domain errors.
        .target(
            name: "GatewayServices",
            dependencies: ["GatewayCore", "GatewayCrypto", "GatewayStore"]
        ),
        .target(
            name: "GatewayWeb",
            dependencies: [
                "GatewayCore", "GatewayConfig", "GatewayCrypto", "GatewayStore", "GatewayServices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // Templates, text catalogs and the stylesheet: a deployed binary needs its
            // anongate_GatewayWeb.resources folder beside it (README, Deployment).
            resources: [.copy("Resources/Templates"), .copy("Resources/Text"), .copy("Resources/Static")]
        ),
        .executableTarget(
            name: "anongate",
            dependencies: [
                "GatewayWeb", "GatewayServices", "GatewayConfig", "GatewayCrypto", "GatewayStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Seeds a benchmark store through GatewayStore (scripts/bench); not part of the gateway.
        .executableTarget(
            name: "anongate-seed",
            dependencies: [
                "GatewayConfig", "GatewayCore", "GatewayCrypto", "GatewayStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Deterministic clock, random source, log capture and the real config, shared by the tests.
        .target(
            name: "GatewayTestSupport",
            dependencies: ["GatewayCore", "GatewayConfig", .product(name: "Logging", package: "swift-log")],
            path: "Tests/GatewayTestSupport"
        ),
        .testTarget(name: "GatewayCoreTests", dependencies: ["GatewayCore", "GatewayConfig", "GatewayTestSupport"]),
        .testTarget(name: "GatewayCryptoTests", dependencies: ["GatewayCrypto", "GatewayTestSupport"]),
        .testTarget(name: "GatewayStoreTests", dependencies: ["GatewayStore", "GatewayCrypto", "GatewayCore", "GatewayTestSupport"]),
        .testTarget(
            name: "GatewayServicesTests",
            dependencies: ["GatewayServices", "GatewayStore", "GatewayCrypto", "GatewayCore", "GatewayTestSupport"]
        ),
        .testTarget(
            name: "GatewayWebTests",
            dependencies: [
                "GatewayWeb", "GatewayServices", "GatewayTestSupport", "GatewayStore", "GatewayCrypto", "GatewayConfig",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // Reads docs/openapi.yaml to check every API answer the router tests see.
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ]
)

// libFuzzer targets (Fuzz/README.md), only with ANONGATE_FUZZ=1 (scripts/fuzz builds them with
// `-sanitize=fuzzer` into .build-fuzz). Left out of the ordinary build, which has no libFuzzer to link.
if Context.environment["ANONGATE_FUZZ"] == "1" {
    let fuzzed: [(String, [Target.Dependency])] = [
        ("TokenParser", ["GatewayCore"]),
        ("FormDecoder", ["GatewayWeb"]),
        ("JSONBody", ["GatewayWeb", "GatewayServices", "GatewayStore", "GatewayCrypto", "GatewayTestSupport"]),
        ("ConfigLoader", ["GatewayConfig", "GatewayCore"]),
        ("StatisticsQuery", ["GatewayServices", "GatewayCore", .product(name: "HummingbirdCore", package: "hummingbird")]),
    ]
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/Driver"))
    for (name, dependencies) in fuzzed {
        package.targets.append(.executableTarget(name: "fuzz-" + name, dependencies: ["FuzzDriver"] + dependencies, path: "Fuzz/" + name))
    }
}
