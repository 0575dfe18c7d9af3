/// The contents of the two new files. They compile as they are and their tests pass, so the user starts from a
/// green build and changes one thing at a time.
enum Templates {
    /// `Sources/<Name>Pruning/<Name>Pruning.swift`: a one-shot method that keeps what the constraint's projection
    /// keeps for a score tensor (random scores: a random-pruning baseline; magnitudes: one-shot magnitude pruning).
    static func method(_ name: MethodName) -> String {
        #"""
        import PruningCore
        import TensorEngine

        /// \#(name.base) pruning, scaffolded by `swift package new-pruning-method \#(name.base)`.
        ///
        /// As generated it is a one-shot method: the method phase is skipped, and ``finalize(_:)`` keeps the weights
        /// that the constraint's projection keeps for a score tensor — uniform random scores (a random-pruning
        /// baseline, seeded by the session) or the weights themselves (one-shot magnitude pruning). Whatever the
        /// constraint (unstructured, N:M, blocks, filters, a global budget), the result lies in its set, because the
        /// masks come from the constraint. To turn it into a real algorithm, change ``scores(_:session:)``, or return
        /// `true` from ``trainsDuringMethodPhase`` and implement ``penalty(_:)`` / ``afterStep(_:)``.
        public final class \#(name.module): PruningMethod {
            /// What ranks the weights when the constraint decides which survive.
            public enum Score: String, CaseIterable, Sendable {
                /// Uniform random scores: which weights survive is chance (within the constraint's pattern).
                case random
                /// The weights' magnitudes: the same as one-shot magnitude pruning.
                case magnitude
            }

            public let name = "\#(name.registryName)"
            /// The scores the projection ranks.
            public let score: Score

            /// Creates the method.
            /// - Parameter score: What ranks the weights.
            public init(score: Score = .random) {
                self.score = score
            }

            public var settingsSummary: [String: String] { ["score": score.rawValue] }

            public var trainsDuringMethodPhase: Bool { false }

            /// Hard-prunes: the weights times the masks the constraint chooses for ``scores(_:session:)``.
            public func finalize(_ session: PruningSession) throws -> [NamedTensor] {
                let weights = session.currentWeights()
                let masks = try session.constraint.keepMasks(scores(weights, session: session))
                return zip(weights, masks).map { weight, mask in
                    var pruned = weight
                    MaskSet.multiply(&pruned.tensor, by: mask.tensor)
                    return pruned
                }
            }

            /// One score tensor per weight, same names and shapes; larger scores are kept first.
            func scores(_ weights: [NamedTensor], session: PruningSession) -> [NamedTensor] {
                switch score {
                case .magnitude:
                    return weights
                case .random:
                    return weights.map { weight in
                        NamedTensor(name: weight.name,
                                    tensor: Tensor.uniform(weight.shape, low: 0, high: 1, generator: &session.generator))
                    }
                }
            }
        }

        extension \#(name.module) {
            /// The registry entry: `\#(name.registryName)`.
            public static let registration = MethodRegistration(
                name: "\#(name.registryName)",
                summary: "Scaffolded one-shot method: keep what the constraint's projection keeps for random or magnitude scores.",
                options: [
                    MethodOption("score", "random or magnitude: what ranks the weights", default: Score.random.rawValue),
                ],
                make: { options in
                    let score = try options.choice("score", Score.allCases.map(\.rawValue), default: Score.random.rawValue)
                    return \#(name.module)(score: Score(rawValue: score)!)
                })
        }

        """#
    }

    /// `Tests/<Name>PruningTests/<Name>PruningTests.swift`: the method meets unstructured and N:M constraints through
    /// a real session, is deterministic per seed, and rejects a bad option value.
    static func tests(_ name: MethodName) -> String {
        #"""
        import Datasets
        import NeuralNetworks
        import PruningCore
        import TensorEngine
        import Testing
        import \#(name.module)

        @Suite struct \#(name.testModule) {
            /// LeNet-300-100 with a session over its three weights, on a tiny synthetic task.
            func makeSession(constraint: any Constraint, seed: UInt64 = 7) throws -> PruningSession {
                let model = try ModelZoo.make(name: "mlp", seed: seed)
                let parameters = try ParameterSelector.default.select(from: model)
                let data = try DatasetSplits.synthetic(seed: seed, trainCount: 32, testCount: 16)
                return PruningSession(model: model, parameters: parameters, constraint: constraint,
                                      trainingData: data.train, lossData: data.train,
                                      lossDataDescription: "synthetic training set", methodEpochs: 0,
                                      stepsPerEpoch: 1, seed: seed)
            }

            /// Runs the method the way the pipeline does: made by the registry, prepared, finalized.
            func prune(_ session: PruningSession, options: [String: String] = [:]) throws -> [NamedTensor] {
                let registry = try MethodRegistry([\#(name.module).registration])
                let method = try registry.make("\#(name.registryName)", options: MethodOptions(options))
                try method.prepare(session)
                return try method.finalize(session)
            }

            @Test func finalizedWeightsMeetAnUnstructuredConstraint() throws {
                let constraint = try SparsityConstraint.unstructured(sparsity: 0.8)
                let session = try makeSession(constraint: constraint)
                let dense = session.currentWeights()
                let pruned = try prune(session)

                let verification = constraint.verify(pruned)
                #expect(verification.isFeasible, "\(verification)")
                #expect(pruned.map(\.name) == session.parameterNames)
                for (before, after) in zip(dense, pruned) {
                    #expect(after.shape == before.shape)
                    // At most 20% of each layer survives, and surviving weights keep their values.
                    #expect(after.tensor.nonZeroCount <= (before.tensor.count + 4) / 5)
                    #expect(after.tensor.nonZeroCount > 0)
                    for index in 0..<after.tensor.count where after.tensor.scalars[index] != 0 {
                        #expect(after.tensor.scalars[index] == before.tensor.scalars[index])
                    }
                }
            }

            @Test func magnitudeScoresGiveTheProjection() throws {
                let constraint = try NMConstraint(n: 2, m: 4)
                let session = try makeSession(constraint: constraint)
                let pruned = try prune(session, options: ["score": "magnitude"])
                #expect(constraint.verify(pruned).isFeasible)
                #expect(pruned == (try session.projectedWeights()))
            }

            @Test func randomScoresAreSeeded() throws {
                let constraint = try SparsityConstraint.unstructured(sparsity: 0.5)
                let first = try prune(try makeSession(constraint: constraint, seed: 3))
                let second = try prune(try makeSession(constraint: constraint, seed: 3))
                #expect(first == second)
            }

            @Test func badOptionValueIsAnError() throws {
                let session = try makeSession(constraint: try SparsityConstraint.unstructured(sparsity: 0.5))
                #expect(throws: PruningError.self) { try prune(session, options: ["score": "loudest"]) }
                #expect(throws: PruningError.self) { try prune(session, options: ["scores": "random"]) }
            }
        }

        """#
    }
}
