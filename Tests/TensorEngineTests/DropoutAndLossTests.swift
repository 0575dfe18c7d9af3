import Foundation
import Testing
import _TestSupport
import TensorEngine

@Suite struct DropoutTests {
    @Test func evaluationAndZeroProbabilityPassThrough() {
        var generator = SeededGenerator(seed: 1)
        let x = Variable(seededUniformTensor([3, 4], seed: 41))
        #expect(dropout(x, probability: 0.5, training: false, generator: &generator) === x)
        #expect(dropout(x, probability: 0, training: true, generator: &generator) === x)
        #expect(generator == SeededGenerator(seed: 1))
    }

    @Test func dropsAboutTheRightFractionAndScalesSurvivors() {
        var generator = SeededGenerator(seed: 2)
        let y = dropout(Variable(Tensor(repeating: 1, shape: [100, 100])), probability: 0.3, training: true,
                        generator: &generator).value
        let dropped = y.count - y.nonZeroCount
        #expect(abs(Double(dropped) / Double(y.count) - 0.3) < 0.02)
        #expect(y.scalars.allSatisfy { $0 == 0 || isClose($0, 1 / 0.7) })
    }

    @Test func theSeedFixesTheMask() {
        var first = SeededGenerator(seed: 3), second = SeededGenerator(seed: 3)
        let x = Variable(seededUniformTensor([5, 5], seed: 42))
        let a = dropout(x, probability: 0.5, training: true, generator: &first).value
        let b = dropout(x, probability: 0.5, training: true, generator: &second).value
        #expect(a == b)
        let probabilityOne = dropout(x, probability: 1, training: true, generator: &first).value
        #expect(probabilityOne.nonZeroCount == 0)
    }

    @Test func gradientWithAFixedMask() {
        let result = checkGradients(of: { v in
            var generator = SeededGenerator(seed: 4)
            return dropout(v[0], probability: 0.4, training: true, generator: &generator)
        }, at: [seededUniformTensor([3, 5], seed: 43)])
        #expect(result.passed, "\(result)")
    }
}

@Suite struct SoftmaxCrossEntropyTests {
    @Test func handComputedLoss() {
        // Row 0: logits [0, ln 3] → p = [1/4, 3/4], label 1 → −ln(3/4). Row 1: equal logits, label 0 → ln 2.
        let logits = Tensor(shape: [2, 2], scalars: [0, Float(log(3.0)), 5, 5])
        let loss = softmaxCrossEntropy(logits: Variable(logits), labels: [1, 0]).value.scalar
        #expect(isClose(loss, Float((-log(0.75) + log(2.0)) / 2)))
    }

    @Test func stableForHugeLogits() {
        let logits = Tensor(shape: [1, 3], scalars: [1000, 0, -1000])
        #expect(softmaxCrossEntropy(logits: Variable(logits), labels: [0]).value.scalar == 0)
        #expect(isClose(softmaxCrossEntropy(logits: Variable(logits), labels: [1]).value.scalar, 1000))
        let probabilities = logits.softmaxRows()
        #expect(probabilities.scalars.allSatisfy { $0.isFinite })
        #expect(probabilities.scalars[0] == 1)
    }

    @Test func gradient() {
        let result = checkGradients(of: { softmaxCrossEntropy(logits: $0[0], labels: [2, 0, 1]) },
                                    at: [seededUniformTensor([3, 4], seed: 44, low: -2, high: 2)],
                                    epsilon: 1e-2, absoluteFloor: 1e-2)
        #expect(result.passed, "\(result)")
    }

    @Test func softmaxRowsSumToOneAndArgmaxPicksTheLargest() {
        let x = Tensor(shape: [3, 3], scalars: [1, 3, 2, -1, -5, -2, 7, 7, 0])
        let p = x.softmaxRows()
        for row in 0..<3 { #expect(isClose(p.scalars[row * 3..<row * 3 + 3].reduce(0, +), 1)) }
        #expect(x.argmaxRows() == [1, 0, 0])
        #expect(p.argmaxRows() == [1, 0, 0])
    }
}

@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameStream() {
        var a = SeededGenerator(seed: 99), b = SeededGenerator(seed: 99), c = SeededGenerator(seed: 100)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        #expect(seededUniformTensor([4], seed: 7) == seededUniformTensor([4], seed: 7))
    }

    @Test func codableStateResumesTheStream() throws {
        var generator = SeededGenerator(seed: 5)
        _ = generator.next()
        let saved = try JSONEncoder().encode(generator)
        var restored = try JSONDecoder().decode(SeededGenerator.self, from: saved)
        #expect((0..<3).map { _ in generator.next() } == (0..<3).map { _ in restored.next() })
    }

    @Test func unitFloatsAndNormalsAreInRange() {
        var generator = SeededGenerator(seed: 6)
        let uniforms = (0..<1000).map { _ in generator.nextUnitFloat() }
        #expect(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        let normals = (0..<4000).map { _ in Double(generator.nextNormal()) }
        let mean = normals.reduce(0, +) / 4000
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4000
        #expect(abs(mean) < 0.06 && abs(variance - 1) < 0.1)
    }
}

@Suite struct TestSupportTests {
    @Test func temporaryDirectoryIsFreshAndRemovable() throws {
        let url = try makeTemporaryDirectory()
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.path).isEmpty)
        try FileManager.default.removeItem(at: url)
        let scoped = try withTemporaryDirectory { $0 }
        #expect(!FileManager.default.fileExists(atPath: scoped.path))
    }

    @Test func distinctTensorsHaveNoTies() {
        let x = seededDistinctTensor([3, 4], seed: 8)
        #expect(Set(x.scalars).count == 12)
    }
}
