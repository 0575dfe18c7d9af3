import Foundation
@testable import SparsityConstraints
import Testing
import _TestSupport
@testable import PruningCore

/// A ResNet-like parameter list in model order.
let resnetLike: [ParameterDescription] = [
    .init(name: "conv1.weight", shape: [64, 3, 3, 3], kind: .conv2d),
    .init(name: "bn1.weight", shape: [64], kind: .batchNorm),
    .init(name: "bn1.bias", shape: [64], kind: .batchNorm),
    .init(name: "layer1.0.conv1.weight", shape: [64, 64, 3, 3], kind: .conv2d),
    .init(name: "layer1.0.bn1.weight", shape: [64], kind: .batchNorm),
    .init(name: "layer1.0.conv2.weight", shape: [64, 64, 3, 3], kind: .conv2d),
    .init(name: "layer2.0.conv1.weight", shape: [128, 64, 3, 3], kind: .conv2d),
    .init(name: "layer2.0.shortcut.0.weight", shape: [128, 64, 1, 1], kind: .conv2d),
    .init(name: "layer2.0.shortcut.1.weight", shape: [128], kind: .batchNorm),
    .init(name: "embedding.weight", shape: [100, 16], kind: .other),
    .init(name: "fc.weight", shape: [10, 512], kind: .linear),
    .init(name: "fc.bias", shape: [10], kind: .linear),
]

func names(_ selector: ParameterSelector) throws -> [String] { try selector.select(from: resnetLike).map(\.name) }

@Suite("Parameter selection")
struct SelectionTests {
    @Test("default: every conv and linear weight, never biases or batch norm")
    func defaults() throws {
        #expect(try names(.default) == [
            "conv1.weight", "layer1.0.conv1.weight", "layer1.0.conv2.weight", "layer2.0.conv1.weight",
            "layer2.0.shortcut.0.weight", "fc.weight",
        ])
    }

    @Test("first and last layer dense")
    func firstLast() throws {
        #expect(try names(ParameterSelector(keepFirstDense: true, keepLastDense: true)) == [
            "layer1.0.conv1.weight", "layer1.0.conv2.weight", "layer2.0.conv1.weight", "layer2.0.shortcut.0.weight",
        ])
        // The first prunable layer of the model, not of the selection: conv1 is not selected, so nothing else drops.
        #expect(try names(ParameterSelector(include: [.glob("layer1*")], keepFirstDense: true)) == [
            "layer1.0.conv1.weight", "layer1.0.conv2.weight",
        ])
    }

    @Test("globs cross dots and match whole names")
    func globs() throws {
        #expect(try names(ParameterSelector(include: [.glob("layer*.conv*.weight")])) == [
            "layer1.0.conv1.weight", "layer1.0.conv2.weight", "layer2.0.conv1.weight",
        ])
        #expect(try names(ParameterSelector(include: [.glob("layer?.0.conv1.weight")])) == [
            "layer1.0.conv1.weight", "layer2.0.conv1.weight",
        ])
        // A glob that also hits a batch-norm weight selects only the prunable matches.
        #expect(try names(ParameterSelector(include: [.glob("layer2.0.shortcut.*")])) == ["layer2.0.shortcut.0.weight"])
        #expect(GlobMatcher.matches("a*b*c", "axxbyyc"))
        #expect(GlobMatcher.matches("*", ""))
        #expect(!GlobMatcher.matches("a*b", "axxbyy"))
        #expect(!GlobMatcher.matches("?", ""))
        #expect(GlobMatcher.matches("**.weight", "fc.weight"))
    }

    @Test("regular expressions match whole names")
    func regex() throws {
        #expect(try names(ParameterSelector(include: [.regex(#"layer\d\.0\.conv2\.weight"#)])) == ["layer1.0.conv2.weight"])
        #expect(try names(ParameterSelector(include: [.regex(".*shortcut.*")])) == ["layer2.0.shortcut.0.weight"])
        expectThrows(["'re:conv'", "matches no prunable parameter", "whole name"]) { _ = try names(ParameterSelector(include: [.regex("conv")])) }
    }

    @Test("by layer kind, exact names, and exclusions")
    func kindsAndExclusions() throws {
        #expect(try names(ParameterSelector(include: [.kind(.linear)])) == ["fc.weight"])
        // Patterns may select prunable parameters outside the default set.
        #expect(try names(ParameterSelector(include: [.exact("embedding.weight")])) == ["embedding.weight"])
        #expect(try names(ParameterSelector(exclude: [.kind(.linear), .glob("*shortcut*")])) == [
            "conv1.weight", "layer1.0.conv1.weight", "layer1.0.conv2.weight", "layer2.0.conv1.weight",
        ])
    }

    @Test("patterns matching nothing throw and name the pattern")
    func noMatch() {
        expectThrows(["'layer9*'", "no prunable parameter"]) { _ = try names(ParameterSelector(include: [.glob("layer9*")])) }
        expectThrows(["'fc.bias'", "biases, batch-norm"]) { _ = try names(ParameterSelector(include: [.exact("fc.bias")])) }
        expectThrows(["'kind:batchNorm'", "bn1.weight"]) { _ = try names(ParameterSelector(include: [.kind(.batchNorm)])) }
        expectThrows(["'fc2.weight'"]) { _ = try names(ParameterSelector(exclude: [.exact("fc2.weight")])) }
        expectThrows(["no parameter is left"]) { _ = try names(ParameterSelector(exclude: [.glob("*")])) }
        expectThrows(["'x'", "more than once"]) {
            _ = try ParameterSelector.default.select(from: [.init(name: "x", shape: [2, 2], kind: .linear),
                                                            .init(name: "x", shape: [2, 2], kind: .linear)])
        }
    }

    @Test("pattern text parses into the right kind of pattern")
    func parse() throws {
        #expect(try ParameterPattern.parse("fc.weight") == .exact("fc.weight"))
        #expect(try ParameterPattern.parse("layer*.conv?.weight") == .glob("layer*.conv?.weight"))
        #expect(try ParameterPattern.parse(#"re:layer\d+.*"#) == .regex(#"layer\d+.*"#))
        #expect(try ParameterPattern.parse("kind:Conv2d") == .kind(.conv2d))
        expectThrows(["unknown layer kind 'lstm'"]) { _ = try ParameterPattern.parse("kind:lstm") }
        expectThrows(["'layer(1'", "does not compile"]) { _ = try ParameterPattern.parse("re:layer(1") }
        expectThrows(["empty"]) { _ = try ParameterPattern.parse("") }
        for pattern: ParameterPattern in [.exact("a"), .glob("a*"), .regex("a.+"), .kind(.other)] {
            #expect(try ParameterPattern.parse(pattern.description) == pattern)
        }
    }

    @Test("a selector round-trips through JSON")
    func codable() throws {
        let selector = ParameterSelector(include: [.glob("layer*")], exclude: [.regex(".*shortcut.*")], keepLastDense: true)
        let decoded = try JSONDecoder().decode(ParameterSelector.self, from: JSONEncoder().encode(selector))
        #expect(decoded == selector)
        #expect(try names(decoded) == ["layer1.0.conv1.weight", "layer1.0.conv2.weight", "layer2.0.conv1.weight"])
    }
}
