import Testing
@testable import TensorEngine

@Suite struct AutogradTests {
    @Test func productRuleAccumulatesIntoLeaves() {
        let w = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGradient: true)
        let loss = (w * w).sum()
        loss.backward()
        #expect(w.gradient == Tensor(shape: [2], scalars: [2, 4]))
    }

    @Test func linearMatchesHandComputedProduct() {
        let x = Variable(Tensor(shape: [1, 2], scalars: [1, 2]))
        let w = Variable(Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 1]), requiresGradient: true)
        let b = Variable(Tensor(shape: [3], scalars: [0.5, 0, -1]), requiresGradient: true)
        let y = linear(x, weight: w, bias: b)
        #expect(y.value.scalars == [1.5, 2, 2])
        y.sum().backward()
        #expect(w.gradient?.scalars == [1, 2, 1, 2, 1, 2])
        #expect(b.gradient?.scalars == [1, 1, 1])
    }
}
