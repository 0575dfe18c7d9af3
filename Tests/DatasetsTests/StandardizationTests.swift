import Foundation
import Testing
import TensorEngine
@testable import Datasets

@Suite("Standardisation with training statistics")
struct StandardizationTests {
    @Test("single-channel data gets one mean and std over all pixels")
    func singleChannel() throws {
        // Pixels 0…7 over two images: mean 3.5, population variance 5.25.
        let train = try LabeledImages(name: "train", images: Tensor(shape: [2, 1, 2, 2], scalars: (0..<8).map(Float.init)),
                                      labels: [0, 1], classCount: 2)
        let statistics = try Standardization(fittedTo: train)
        #expect(statistics.mean == [3.5])
        #expect(abs(statistics.std[0] - Float(5.25.squareRoot())) < 1e-6)
    }

    @Test("multi-channel data gets per-channel statistics")
    func perChannel() throws {
        // Channel 0 holds 1 and 3 (mean 2, std 1); channel 1 holds 10 and 30 (mean 20, std 10).
        let scalars: [Float] = [1, 1, 10, 10, 3, 3, 30, 30]
        let train = try LabeledImages(name: "train", images: Tensor(shape: [2, 2, 1, 2], scalars: scalars),
                                      labels: [0, 1], classCount: 2)
        let statistics = try Standardization(fittedTo: train)
        #expect(statistics.mean == [2, 20])
        #expect(statistics.std == [1, 10])
        let standardized = try statistics.apply(to: train)
        #expect(standardized.images.scalars == [-1, -1, -1, -1, 1, 1, 1, 1])
    }

    @Test("standardized() fits on train only and applies the same values to test")
    func splitsUseTrainStatistics() throws {
        let train = try LabeledImages(name: "train", images: Tensor(shape: [2, 1, 1, 2], scalars: [0, 0, 2, 2]),
                                      labels: [0, 1], classCount: 2)
        let test = try LabeledImages(name: "test", images: Tensor(shape: [1, 1, 1, 2], scalars: [5, 1]),
                                     labels: [1], classCount: 2)
        let (splits, statistics) = try DatasetSplits(train: train, test: test).standardized()
        #expect(statistics == (try Standardization(mean: [1], std: [1])))
        #expect(splits.train.images.scalars == [-1, -1, 1, 1])
        #expect(splits.test.images.scalars == [4, 0])
        #expect(splits.test.labels == [1] && splits.test.name == "test")
    }

    @Test("the standardised training set has mean 0 and std 1 per channel")
    func standardizedMoments() throws {
        let splits = try DatasetSplits.synthetic(seed: 3, trainCount: 40, testCount: 10, channels: 3, height: 8, width: 8)
        let (standardized, _) = try splits.standardized()
        let refit = try Standardization(fittedTo: standardized.train)
        for channel in 0..<3 {
            #expect(abs(refit.mean[channel]) < 1e-5)
            #expect(abs(refit.std[channel] - 1) < 1e-4)
        }
    }

    @Test("bad statistics and constant channels are rejected")
    func rejects() throws {
        #expect(datasetErrorText { _ = try Standardization(mean: [0, 1], std: [1]) }?.contains("2 means and 1") == true)
        #expect(datasetErrorText { _ = try Standardization(mean: [0], std: [0]) }?.contains("std[0]") == true)
        let constant = try LabeledImages(name: "flat", images: Tensor(repeating: 0.5, shape: [3, 1, 2, 2]),
                                         labels: [0, 0, 0], classCount: 1)
        #expect(datasetErrorText { _ = try Standardization(fittedTo: constant) }?.contains("flat") == true)
        let rgb = try Standardization(mean: [0, 0, 0], std: [1, 1, 1])
        let grey = try numberedImages(count: 2)
        #expect(datasetErrorText { _ = try rgb.apply(to: grey) }?.contains("3 channels") == true)
    }
}
