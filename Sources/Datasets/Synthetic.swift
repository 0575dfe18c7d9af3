import Foundation
import TensorEngine

extension DatasetSplits {
    /// A seeded, learnable image-classification task that needs no files: each class has a smooth random
    /// prototype, and each sample is its class's prototype shifted by a few pixels plus Gaussian noise.
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
    ///   - noise: standard deviation of the per-pixel Gaussian noise, ≥ 0.
    ///   - maxShift: largest random translation in pixels along each axis, ≥ 0.
    /// - Throws: `DatasetError.invalidArgument` naming the argument that is out of range.
    public static func synthetic(seed: UInt64, trainCount: Int = 1024, testCount: Int = 256, channels: Int = 1,
                                 height: Int = 28, width: Int = 28, classes: Int = 10, noise: Float = 0.3,
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
        let images = Tensor(shape: [count, channels, height, width]) { destination in
            for sample in 0..<count {
                let shiftY = Int(generator.next() % shiftSpan) - maxShift
                let shiftX = Int(generator.next() % shiftSpan) - maxShift
                prototypes[Int(labels[sample])].withUnsafeBufferPointer { prototype in
                    let output = destination.baseAddress! + sample * imageSize
                    for channel in 0..<channels {
                        for y in 0..<height {
                            let sourceY = y - shiftY
                            for x in 0..<width {
                                let sourceX = x - shiftX
                                let inside = sourceY >= 0 && sourceY < height && sourceX >= 0 && sourceX < width
                                let base = inside ? prototype[(channel * height + sourceY) * width + sourceX] : 0
                                let value = base + (noise > 0 ? noise * generator.nextNormal() : 0)
                                output[(channel * height + y) * width + x] = min(1, max(0, value))
                            }
                        }
                    }
                }
            }
        }
        return LabeledImages(unchecked: name, images: images, labels: labels, classCount: classes)
    }
}
