import Foundation
import TensorEngine

extension DatasetSplits {
    /// A seeded, learnable image-classification task that needs no files: each class has a smooth random
    /// prototype, and each sample is its class's prototype shifted by a few pixels plus uniform noise.
    ///
    /// Pixels lie in [0, 1] like the real loaders' output, so ``standardized()`` applies as usual. A small MLP or
    /// LeNet-5 reaches high accuracy within a few epochs; labels cycle through the classes, so every prefix is
    /// balanced. The same arguments give the same data on every machine.
    /// - Parameters:
    ///   - seed: decides the prototypes and every sample.
    ///   - trainCount: training samples, ≥ 1.
    ///   - testCount: test samples, ≥ 1.
    ///   - channels: image channels, ≥ 1.
    ///   - height: image height, ≥ 1.
    ///   - width: image width, ≥ 1.
    ///   - classes: number of classes, ≥ 2.
    ///   - noise: standard deviation of the per-pixel noise (uniform, zero-mean), ≥ 0.
    ///   - maxShift: largest random translation in pixels along each axis, ≥ 0.
    /// - Throws: `DatasetError.invalidArgument` naming the argument that is out of range.
    public static func synthetic(seed: UInt64, trainCount: Int = 1024, testCount: Int = 256, channels: Int = 1,
                                 height: Int = 28, width: Int = 28, classes: Int = 10, noise: Float = 0.5,
                                 maxShift: Int = 1) throws -> DatasetSplits {
        func require(_ condition: Bool, _ text: String) throws {
            if !condition { throw DatasetError.invalidArgument("synthetic dataset: \(text)") }
        }
        try require(trainCount >= 1, "trainCount \(trainCount), expected at least 1")
        try require(testCount >= 1, "testCount \(testCount), expected at least 1")
        try require(channels >= 1, "channels \(channels), expected at least 1")
        try require(height >= 1 && width >= 1, "image size \(height)×\(width), expected both sides ≥ 1")
        try require(classes >= 2, "classes \(classes), expected at least 2")
        try require(noise >= 0 && noise.isFinite, "noise \(noise), expected a finite value ≥ 0")
        try require(maxShift >= 0, "maxShift \(maxShift), expected 0 or more")

        let root = SeededGenerator(seed: seed)
        var prototypeRandom = root.derived(stream: 0)
        let prototypes = (0..<classes).map { _ in
            smoothPattern(channels: channels, height: height, width: width, generator: &prototypeRandom)
        }
        let task = SyntheticTask(prototypes: prototypes, channels: channels, height: height, width: width,
                                 noise: noise, maxShift: maxShift)
        var trainRandom = root.derived(stream: 1)
        var testRandom = root.derived(stream: 2)
        let train = task.samples(count: trainCount, name: "synthetic/train", generator: &trainRandom)
        let test = task.samples(count: testCount, name: "synthetic/test", generator: &testRandom)
        return try DatasetSplits(train: train, test: test)
    }

    /// A [C, H, W] pattern in [0, 1]: uniform values on a coarse grid (about one node per 4 pixels),
    /// bilinearly interpolated so that neighbouring pixels agree and convolutions have structure to find.
    static func smoothPattern(channels: Int, height: Int, width: Int, generator: inout SeededGenerator) -> [Float] {
        let gridHeight = max(2, (height + 3) / 4), gridWidth = max(2, (width + 3) / 4)
        var pattern = [Float](repeating: 0, count: channels * height * width)
        for channel in 0..<channels {
            let grid = (0..<(gridHeight * gridWidth)).map { _ in generator.nextUnitFloat() }
            for y in 0..<height {
                let gy = height > 1 ? Float(y) * Float(gridHeight - 1) / Float(height - 1) : 0
                let y0 = min(Int(gy), gridHeight - 2), fy = gy - Float(y0)
                for x in 0..<width {
                    let gx = width > 1 ? Float(x) * Float(gridWidth - 1) / Float(width - 1) : 0
                    let x0 = min(Int(gx), gridWidth - 2), fx = gx - Float(x0)
                    let top = grid[y0 * gridWidth + x0] * (1 - fx) + grid[y0 * gridWidth + x0 + 1] * fx
                    let bottom = grid[(y0 + 1) * gridWidth + x0] * (1 - fx) + grid[(y0 + 1) * gridWidth + x0 + 1] * fx
                    pattern[(channel * height + y) * width + x] = top * (1 - fy) + bottom * fy
                }
            }
        }
        return pattern
    }
}

/// The class prototypes and noise settings from which synthetic samples are drawn.
struct SyntheticTask {
    let prototypes: [[Float]]
    let channels: Int, height: Int, width: Int
    let noise: Float
    let maxShift: Int

    /// Draws `count` samples; sample i belongs to class i mod classes.
    func samples(count: Int, name: String, generator: inout SeededGenerator) -> LabeledImages {
        let classes = prototypes.count
        let imageSize = channels * height * width
        let labels = (0..<count).map { Int32($0 % classes) }
        let shiftSpan = UInt64(2 * maxShift + 1)
        // Uniform noise on [−a, a] has standard deviation a / √3.
        let amplitude = noise * Float(3).squareRoot()
        let images = Tensor(shape: [count, channels, height, width]) { destination in
            for sample in 0..<count {
                let shiftY = Int(generator.next() % shiftSpan) - maxShift
                let shiftX = Int(generator.next() % shiftSpan) - maxShift
                var noiseSource = NoiseStream(seed: generator.next())
                prototypes[Int(labels[sample])].withUnsafeBufferPointer { prototype in
                    let output = destination.baseAddress! + sample * imageSize
                    let source = prototype.baseAddress!
                    // Columns x whose shifted source column x − shiftX lies inside the prototype.
                    let firstX = Swift.max(0, shiftX), endX = Swift.min(width, width + shiftX)
                    for channel in 0..<channels {
                        for y in 0..<height {
                            let row = output + (channel * height + y) * width
                            for x in 0..<width { row[x] = amplitude * noiseSource.nextSigned() }
                            let sourceY = y - shiftY
                            if sourceY >= 0 && sourceY < height && firstX < endX {
                                let sourceRow = source + (channel * height + sourceY) * width - shiftX
                                for x in firstX..<endX { row[x] += sourceRow[x] }
                            }
                            // Clamp to the pixel range [0, 1] of the real loaders' output.
                            for x in 0..<width where !(row[x] >= 0 && row[x] <= 1) { row[x] = row[x] < 0 ? 0 : 1 }
                        }
                    }
                }
            }
        }
        return LabeledImages(unchecked: name, images: images, labels: labels, classCount: classes)
    }
}

/// A tiny per-sample noise stream (SplitMix64), seeded from the task's generator.
///
/// The synthetic task draws one value per pixel; this keeps generation fast in debug builds, where other
/// modules' unit tests create their data, without giving up determinism.
struct NoiseStream {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A uniform Float in [−1, 1).
    mutating func nextSigned() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) * (2.0 / 16_777_216.0) - 1
    }
}
