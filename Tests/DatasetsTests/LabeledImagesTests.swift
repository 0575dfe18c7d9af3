import Foundation
import Testing
import TensorEngine
@testable import Datasets

@Suite("LabeledImages, subsets and validation splits")
struct LabeledImagesTests {
    @Test("the initializer rejects a wrong rank, count or label, naming the set")
    func validation() throws {
        let images = Tensor.zeros([2, 1, 2, 2])
        let wrongRank = datasetErrorText { _ = try LabeledImages(name: "toy", images: Tensor.zeros([2, 4]), labels: [0, 1], classCount: 2) }
        #expect(wrongRank?.contains("toy") == true && wrongRank?.contains("[N, C, H, W]") == true)
        let wrongCount = datasetErrorText { _ = try LabeledImages(name: "toy", images: images, labels: [0], classCount: 2) }
        #expect(wrongCount?.contains("2 images but 1 labels") == true)
        let badLabel = datasetErrorText { _ = try LabeledImages(name: "toy", images: images, labels: [0, 2], classCount: 2) }
        #expect(badLabel?.contains("label 2 at index 1") == true)
        let negative = datasetErrorText { _ = try LabeledImages(name: "toy", images: images, labels: [-1, 0], classCount: 2) }
        #expect(negative?.contains("label -1") == true)
        let fine = try LabeledImages(name: "toy", images: images, labels: [1, 0], classCount: 2)
        #expect(fine.count == 2 && fine.imageShape == [1, 2, 2] && fine.imageSize == 4)
    }

    @Test("subset gathers the rows and labels in the order given; prefix takes the first ones")
    func subsetAndPrefix() throws {
        let data = try numberedImages(count: 5)
        let picked = data.subset(indices: [4, 1, 1])
        #expect(picked.images.shape == [3, 1, 2, 3])
        #expect(picked.labels == [data.labels[4], data.labels[1], data.labels[1]])
        #expect(Array(picked.images.scalars[0..<6]) == Array(data.images.scalars[24..<30]))
        #expect(Array(picked.images.scalars[6..<12]) == Array(data.images.scalars[6..<12]))
        #expect(Array(picked.images.scalars[12..<18]) == Array(data.images.scalars[6..<12]))

        let first = data.prefix(2)
        #expect(first.images.scalars == Array(data.images.scalars[0..<12]))
        #expect(first.labels == Array(data.labels[0..<2]))
        #expect(data.prefix(99).count == 5)
        #expect(data.prefix(0).count == 0)
    }

    @Test("splitValidation is disjoint, covers every sample, has the asked size and depends only on the seed")
    func splitValidation() throws {
        let data = try numberedImages(count: 50)
        let (train, validation) = try data.splitValidation(fraction: 0.2, seed: 7)
        #expect(validation.count == 10 && train.count == 40)
        // The first pixel of image i is 6·i, so it identifies the sample.
        func identities(_ set: LabeledImages) -> [Int] {
            (0..<set.count).map { Int(set.images.scalars[$0 * 6]) / 6 }
        }
        let trainIDs = identities(train), validationIDs = identities(validation)
        #expect(Set(trainIDs).isDisjoint(with: validationIDs))
        #expect(Set(trainIDs + validationIDs) == Set(0..<50))
        #expect(trainIDs == trainIDs.sorted() && validationIDs == validationIDs.sorted())
        #expect(train.labels == trainIDs.map { data.labels[$0] })

        let again = try data.splitValidation(fraction: 0.2, seed: 7)
        #expect(again.validation == validation && again.train == train)
        let other = try data.splitValidation(fraction: 0.2, seed: 8)
        #expect(identities(other.validation) != validationIDs)
    }

    @Test("splitValidation rejects fractions that leave a part empty", arguments: [0.0, 1.0, -0.1, 0.001, 0.999])
    func splitValidationRejects(fraction: Double) throws {
        let data = try numberedImages(count: 10)
        let text = datasetErrorText { _ = try data.splitValidation(fraction: fraction, seed: 1) }
        #expect(text?.contains("validation fraction") == true)
    }

    @Test("DatasetSplits requires matching image shapes and class counts")
    func splitsMustMatch() throws {
        let a = try numberedImages(count: 4, classCount: 3)
        let b = try numberedImages(count: 4, width: 4, classCount: 3)
        let text = datasetErrorText { _ = try DatasetSplits(train: a, test: b) }
        #expect(text?.contains("expected the same") == true)
    }
}
