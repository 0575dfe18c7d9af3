import Testing
import TensorEngine
@testable import SparsityConstraints

/// The conforming example from the `Constraint` documentation, compiled and exercised here so the docs stay true.
struct TopKPerRow: Constraint {
    var k: Int
    var summary: String { "keep the \(k) largest |w| of every row" }

    func validate(_ layers: [LayerShape]) throws {
        for layer in layers where layer.shape.count != 2 || layer.shape[1] < k {
            throw ConstraintError.incompatibleLayer("\(layer): expected [out, in] with in ≥ \(k)")
        }
    }

    func keepMasks(_ layers: [NamedTensor]) throws -> [NamedTensor] {
        try validate(layers.map(\.layerShape))
        return layers.map { layer in
            let (rows, cols) = (layer.shape[0], layer.shape[1])
            var mask = Tensor.zeros(layer.shape)
            for r in 0..<rows {
                let row = (0..<cols).map { abs(layer.tensor.scalars[r * cols + $0]) }
                // Ties go to the lower column index, so the mask is deterministic.
                let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
                for c in order.prefix(k) { mask.scalars[r * cols + c] = 1 }
            }
            return NamedTensor(name: layer.name, tensor: mask)
        }
    }

    func verify(_ layers: [NamedTensor]) -> ConstraintVerification {
        var violations: [ConstraintViolation] = []
        for layer in layers where layer.shape.count == 2 {
            let cols = layer.shape[1]
            for r in 0..<layer.shape[0] {
                let nonZero = layer.tensor.scalars[r * cols ..< (r + 1) * cols].filter { $0 != 0 }.count
                if nonZero > k {
                    violations.append(ConstraintViolation(layer: layer.name, message: "row \(r) has \(nonZero) non-zeros",
                                                          allowed: k, found: nonZero))
                }
            }
        }
        return ConstraintVerification(constraint: summary, violations: violations,
                                      sparsity: SparsityReport(measuring: layers))
    }
}

func named(_ name: String, _ shape: [Int], _ scalars: [Float]) -> NamedTensor {
    NamedTensor(name: name, tensor: Tensor(shape: shape, scalars: scalars))
}

@Suite("Constraint verification, masks, ties and sparsity reports")
struct ConstraintVerificationTests {
    @Test("the documented toy constraint projects and verifies")
    func toyConstraint() throws {
        let constraint = TopKPerRow(k: 1)
        let layer = named("fc", [2, 3], [1, -3, 2, 4, 4, -1])
        let projected = try constraint.project([layer])
        #expect(projected[0].tensor.scalars == [0, -3, 0, 4, 0, 0])
        #expect(constraint.verify(projected).isFeasible)
        let verdict = constraint.verify([layer])
        #expect(verdict.violations.count == 2)
        #expect(verdict.violations[0].found == 3 && verdict.violations[0].allowed == 1)
    }

    @Test("ties go to the lower index, and across layers to the earlier layer")
    func ties() throws {
        let layer = named("a", [1, 6], [1, -2, 2, 2, -1, 0])
        let perLayer = try SparsityConstraint.unstructured(sparsity: 0.5).project([layer])
        #expect(perLayer[0].tensor.scalars == [0, -2, 2, 2, 0, 0])
        let keepTwo = try SparsityConstraint.unstructured(sparsity: 0.6).project([layer])   // ceil(0.4 · 6) = 3
        #expect(keepTwo[0].tensor.scalars == [0, -2, 2, 2, 0, 0])
        let keepOne = try SparsityConstraint.unstructured(sparsity: 0.8).project([layer])   // ceil(1.2) = 2
        #expect(keepOne[0].tensor.scalars == [0, -2, 2, 0, 0, 0])

        let first = named("first", [1, 2], [3, 1])
        let second = named("second", [1, 2], [3, 3])
        let global = try SparsityConstraint.unstructured(sparsity: 0.5, scope: .global).project([first, second])
        #expect(global[0].tensor.scalars == [3, 0])
        #expect(global[1].tensor.scalars == [3, 0])
    }

    @Test("N:M groups of a convolution run along input channels at each (out, kh, kw)")
    func nmConvolutionLayout() throws {
        // [out 1, in 4, kh 1, kw 2]: memory order (c, x); groups are channels 0..<4 at x = 0 and at x = 1.
        let layer = named("conv", [1, 4, 1, 2], [1, 8, 2, 7, 3, 6, 4, 5])
        let projected = try NMConstraint(n: 2, m: 4).project([layer])
        // x = 0 holds channels [1, 2, 3, 4] → keep 3, 4; x = 1 holds [8, 7, 6, 5] → keep 8, 7.
        #expect(projected[0].tensor.scalars == [0, 8, 0, 7, 3, 0, 4, 0])
    }

    @Test("structured masks zero whole groups")
    func structuredMasks() throws {
        // [3, 4] view; filter norms: row 0 = 1, row 1 = 100, row 2 = 4.
        let layer = named("fc", [3, 4], [1, 0, 0, 0, 10, 0, 0, 0, 0, 2, 0, 0])
        let filters = try SparsityConstraint.filters(sparsity: 0.5).keepMasks([layer])   // keep ceil(1.5) = 2
        #expect(filters[0].tensor.scalars == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
        let channels = try SparsityConstraint.inputChannels(sparsity: 0.75).keepMasks([layer])  // keep 1 of 4 columns
        #expect(channels[0].tensor.scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0])
        // 2x3 blocks on [3, 4]: grid 2x2 with edge blocks; the block holding the 10 is rows 0–1, columns 0–2.
        let blocks = try SparsityConstraint.blocks(height: 2, width: 3, sparsity: 0.75).keepMasks([layer])
        #expect(blocks[0].tensor.scalars == [1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0])
    }

    @Test("verify reports violations with layer names and counts", arguments: [
        "unstructured", "nm:2:4", "block:2x2", "filter", "channel",
    ])
    func violations(pattern: String) throws {
        var generator = SeededGenerator(seed: 11)
        let layers = [NamedTensor(name: "conv.weight", tensor: .normal([4, 4, 3, 3], generator: &generator)),
                      NamedTensor(name: "fc.weight", tensor: .normal([6, 8], generator: &generator))]
        for scope in pattern.hasPrefix("nm") ? [ConstraintScope.layer] : ConstraintScope.allCases {
            let constraint = try ConstraintSpec.parse(pattern, sparsity: 0.5, scope: scope).makeConstraint()
            let dense = constraint.verify(layers)
            #expect(!dense.isFeasible)
            if scope == .layer {
                #expect(dense.violations.map(\.layer) == ["conv.weight", "fc.weight"])
            } else {
                #expect(dense.violations.count == 1 && dense.violations[0].layer == nil)
            }
            #expect(dense.violations.allSatisfy { ($0.found ?? 0) > ($0.allowed ?? 0) })
            let projected = try constraint.project(layers)
            let verdict = constraint.verify(projected)
            #expect(verdict.isFeasible, "\(verdict)")
            if scope == .layer || pattern == "unstructured" {
                #expect(verdict.sparsity.overallSparsity >= 0.5 - 1e-9)
            }
            // Masks equal the non-zero pattern of the projection (random weights have no zeros).
            let masks = try constraint.keepMasks(layers)
            for (mask, weights) in zip(masks, projected) {
                #expect(mask.tensor.scalars == weights.tensor.scalars.map { $0 != 0 ? 1 : 0 })
            }
        }
    }

    @Test("verify flags layers whose shape breaks the pattern instead of crashing")
    func verifyBadShapes() throws {
        let layer = NamedTensor(name: "fc.weight", tensor: Tensor(repeating: 1, shape: [2, 6]))
        let verdict = try NMConstraint(n: 2, m: 4).verify([layer])
        #expect(!verdict.isFeasible)
        #expect(verdict.violations.first?.layer == "fc.weight")
        #expect(verdict.violations.first?.message.contains("not divisible by M = 4") == true)
    }

    @Test("N:M verification names the first bad group")
    func nmViolation() throws {
        let layer = named("fc.weight", [1, 8], [1, 1, 0, 0, 1, 1, 1, 0])
        let verdict = try NMConstraint(n: 2, m: 4).verify([layer])
        #expect(verdict.violations.count == 1)
        #expect(verdict.violations[0].message.contains("1 group(s)"))
        #expect(verdict.violations[0].message.contains("inputs 4..<8"))
        #expect(verdict.violations[0].found == 3 && verdict.violations[0].allowed == 2)
    }

    @Test("bounded verification charges a layer its minimum keep")
    func boundedVerification() throws {
        let constraint = try BoundedGlobalConstraint(sparsity: 0.5, defaultBounds: SparsityBounds(minimum: 0, maximum: 0.5))
        // Budget ceil(0.5 · 8) = 4; each layer keeps at least 2 and at most 4 weights.
        let feasible = [named("a", [1, 4], [1, 1, 0, 0]), named("b", [1, 4], [0, 0, 0, 1])]
        #expect(constraint.verify(feasible).isFeasible)          // uses 2 + max(1, 2) = 4
        let tooMany = [named("a", [1, 4], [1, 1, 1, 0]), named("b", [1, 4], [0, 0, 0, 1])]
        let verdict = constraint.verify(tooMany)                  // uses 3 + 2 = 5
        #expect(verdict.violations.count == 1 && verdict.violations[0].found == 5 && verdict.violations[0].allowed == 4)
        let perLayer = try BoundedGlobalConstraint(sparsity: 0.5, defaultBounds: SparsityBounds(minimum: 0.5, maximum: 1))
        let overLayer = perLayer.verify([named("a", [1, 4], [1, 1, 1, 0]), named("b", [1, 4], [0, 0, 0, 0])])
        #expect(overLayer.violations.map(\.layer) == ["a"])
    }

    @Test("sparsity reports per layer and overall")
    func report() {
        let report = SparsityReport(measuring: [named("a", [2, 2], [0, 1, 0, 0]), named("b", [1, 4], [1, 1, 0, 2])])
        #expect(report["a"]?.sparsity == 0.75)
        #expect(report["b"]?.nonZero == 3)
        #expect(report.totalCount == 8 && report.totalNonZero == 4)
        #expect(report.overallSparsity == 0.5)
        #expect(report.compressionRate == 2)
    }

    @Test("projection keeps infinities and zeroes dropped NaN-free weights exactly")
    func specialValues() throws {
        let layer = named("a", [1, 4], [.infinity, 1, -2, 0.5])
        let projected = try SparsityConstraint.unstructured(sparsity: 0.5).project([layer])
        #expect(projected[0].tensor.scalars == [.infinity, 0, -2, 0])
    }

    @Test("the projection is the same for the same input (deterministic)")
    func deterministic() throws {
        var generator = SeededGenerator(seed: 5)
        let layers = [NamedTensor(name: "w", tensor: .normal([64, 32, 3, 3], generator: &generator))]
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.87)
        let once = try constraint.project(layers)
        #expect(try constraint.project(layers) == once)
        #expect(once[0].tensor.nonZeroCount == KeepCount.keep(sparsity: 0.87, of: 64 * 32 * 9))
    }
}
