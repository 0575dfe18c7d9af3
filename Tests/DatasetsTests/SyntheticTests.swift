import Foundation
import Testing
import TensorEngine
@testable import Datasets

@Suite("The synthetic task")
struct SyntheticTests {
    @Test("the same seed gives the same data; another seed gives other data")
    func deterministic() throws {
        let a = try DatasetSplits.synthetic(seed: 42, trainCount: 30, testCount: 10)
        let b = try DatasetSplits.synthetic(seed: 42, trainCount: 30, testCount: 10)
        let c = try DatasetSplits.synthetic(seed: 43, trainCount: 30, testCount: 10)
        #expect(a == b)
        #expect(a.train.images != c.train.images)
        #expect(a.train.images != a.test.images.reshaped(a.test.images.shape))
    }

    @Test("shapes, balanced labels and pixel range")
    func shapes() throws {
        let splits = try DatasetSplits.synthetic(seed: 1, trainCount: 25, testCount: 7, channels: 3, height: 6, width: 5, classes: 5)
        #expect(splits.train.images.shape == [25, 3, 6, 5])
        #expect(splits.test.images.shape == [7, 3, 6, 5])
        #expect(splits.train.classCount == 5)
        #expect((0..<5).allSatisfy { label in splits.train.labels.filter { $0 == label }.count == 5 })
        #expect(splits.train.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test("the task is learnable: nearest class mean on the training set classifies the test set well")
    func learnable() throws {
        let splits = try DatasetSplits.synthetic(seed: 7, trainCount: 500, testCount: 200)
        let size = splits.train.imageSize, classes = splits.train.classCount
        var centroids = [[Float]](repeating: [Float](repeating: 0, count: size), count: classes)
        let pixels = splits.train.images.scalars
        for sample in 0..<splits.train.count {
            let label = Int(splits.train.labels[sample])
            for index in 0..<size { centroids[label][index] += pixels[sample * size + index] }
        }
        let perClass = Float(splits.train.count / classes)
        centroids = centroids.map { $0.map { $0 / perClass } }
        let testPixels = splits.test.images.scalars
        var correct = 0
        for sample in 0..<splits.test.count {
            let distances = centroids.map { centroid in
                (0..<size).reduce(Float(0)) { sum, index in
                    let difference = testPixels[sample * size + index] - centroid[index]
                    return sum + difference * difference
                }
            }
            if distances.firstIndex(of: distances.min()!) == Int(splits.test.labels[sample]) { correct += 1 }
        }
        let accuracy = Double(correct) / Double(splits.test.count)
        #expect(accuracy > 0.9, "nearest-centroid accuracy \(accuracy)")
        // And not trivially so: at chance this would be about 0.1.
    }

    @Test("out-of-range arguments are named")
    func rejects() {
        #expect(datasetErrorText { _ = try DatasetSplits.synthetic(seed: 1, classes: 1) }?.contains("classes 1") == true)
        #expect(datasetErrorText { _ = try DatasetSplits.synthetic(seed: 1, trainCount: 0) }?.contains("trainCount 0") == true)
        #expect(datasetErrorText { _ = try DatasetSplits.synthetic(seed: 1, noise: -1) }?.contains("noise") == true)
    }
}
