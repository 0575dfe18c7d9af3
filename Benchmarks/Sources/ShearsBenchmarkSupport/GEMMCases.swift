/// The GEMM shapes worth timing on their own: the classic 1024³ and every GEMM behind the convolution shapes.
public enum GEMMCases {
    /// Labelled shapes: `1024³` first, then `<layer> forward|weight-grad|input-grad` for ``ConvolutionShape/all``.
    public static var all: [(label: String, shape: GEMMShape)] {
        var cases: [(String, GEMMShape)] = [("1024³", GEMMShape(m: 1024, n: 1024, k: 1024))]
        for conv in ConvolutionShape.all {
            cases.append(("\(conv.name) forward \(conv.forwardGEMM)", conv.forwardGEMM))
            cases.append(("\(conv.name) weight-grad \(conv.weightGradientGEMM)", conv.weightGradientGEMM))
            cases.append(("\(conv.name) input-grad \(conv.inputGradientGEMM)", conv.inputGradientGEMM))
        }
        return cases
    }
}
