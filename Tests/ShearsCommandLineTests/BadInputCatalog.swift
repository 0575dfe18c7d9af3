import Foundation
import Shears

/// One bad input: how to build it in a sandbox, the exit status `shears` must give, and the fragments its message
/// must contain (the culprit: a flag, a file, a tensor, a key, and what was expected).
struct BadInput: Sendable, CustomStringConvertible {
    /// What class of input this is (docs/reliability.md lists the classes).
    var kind: String
    var label: String
    var exitCode: Int32
    /// Builds the files and returns the command line and the fragments the message must contain.
    var prepare: @Sendable (BadInputSandbox) throws -> (arguments: [String], fragments: [String])

    var description: String { "\(kind): \(label)" }
}

/// The catalog of bad inputs the CLI must refuse cleanly (issue #11): every case is run by
/// `BadInputCatalogTests`, which checks the exit status, the message and that nothing outside the run's folder
/// changed.
enum BadInputCatalog {
    /// `shears prune` of fresh mlp weights on the synthetic task, with one-epoch budgets.
    static func prune(_ box: BadInputSandbox, _ flags: [String], weights: String? = nil) throws -> [String] {
        let file = try weights ?? box.mlpWeights()
        return ["prune", "--model", "mlp", "--weights", file, "--dataset", "synthetic", "--method-epochs", "1",
                "--retrain-epochs", "1", "--out", box.out.path] + flags
    }

    /// `shears train` of the mlp on the synthetic task for one epoch.
    static func train(_ box: BadInputSandbox, _ flags: [String]) -> [String] {
        ["train", "--model", "mlp", "--dataset", "synthetic", "--epochs", "1", "--out", box.out.path] + flags
    }

    /// `shears evaluate` of `weights` on MNIST-layout files in `dataDirectory` (or the synthetic task).
    static func evaluate(weights: String, dataDirectory: String? = nil, model: String = "mlp") -> [String] {
        ["evaluate", "--model", model, "--weights", weights]
            + (dataDirectory.map { ["--dataset", "mnist", "--data-dir", $0] } ?? ["--dataset", "synthetic"])
    }

    /// `shears compare --experiment FILE`.
    static func compare(_ box: BadInputSandbox, experiment: String) -> [String] {
        ["compare", "--experiment", experiment, "--out", box.out.path]
    }

    /// `shears compare --experiment FILE` on a file holding `text`: refused with exit 2 and a message that names
    /// the file and holds `fragments`.
    static func experimentFile(_ label: String, _ name: String, _ text: String, naming fragments: [String]) -> BadInput {
        BadInput(kind: "experiment", label: label, exitCode: 2) { box in
            let path = try box.write(name, text: text)
            return (compare(box, experiment: path), [path] + fragments)
        }
    }

    static let all: [BadInput] = flags + weights + data + experiments + folders

    // MARK: - Flags and values

    static let flags: [BadInput] = [
        BadInput(kind: "flag", label: "unknown command", exitCode: 2) { _ in (["shrink"], ["shrink"]) },
        BadInput(kind: "flag", label: "unknown flag", exitCode: 2) { box in (train(box, ["--bogus"]), ["--bogus"]) },
        BadInput(kind: "flag", label: "sparsity 1.0", exitCode: 2) { box in
            (try prune(box, ["--sparsity", "1.0"]), ["sparsity", "1.0", "[0, 1)"])
        },
        BadInput(kind: "flag", label: "negative sparsity, space-separated", exitCode: 2) { box in
            (try prune(box, ["--sparsity", "-0.1"]), ["sparsity", "-0.1", "[0, 1)"])
        },
        BadInput(kind: "flag", label: "sparsity not a number", exitCode: 2) { box in
            (try prune(box, ["--sparsity", "ninety"]), ["--sparsity", "ninety"])
        },
        BadInput(kind: "flag", label: "huge rho", exitCode: 2) { box in
            (try prune(box, ["--method", "slr", "--rho", "1e30"]), ["--rho", "(0, 100]"])
        },
        BadInput(kind: "flag", label: "huge weight decay", exitCode: 2) { box in
            (train(box, ["--weight-decay", "1e30"]), ["--weight-decay", "[0, 1]"])
        },
        BadInput(kind: "flag", label: "huge method learning rate", exitCode: 2) { box in
            (try prune(box, ["--method-lr", "1e30"]), ["--method-lr", "(0, 10]"])
        },
        BadInput(kind: "flag", label: "zero threads", exitCode: 2) { box in (train(box, ["--threads", "0"]), ["--threads", "0"]) },
        BadInput(kind: "flag", label: "unknown convolution kernels", exitCode: 2) { box in
            (train(box, ["--convolution", "fft"]), ["--convolution", "fft"])
        },
        BadInput(kind: "flag", label: "unknown method", exitCode: 2) { box in
            (try prune(box, ["--method", "obs"]), ["unknown pruning method 'obs'"])
        },
        BadInput(kind: "flag", label: "unknown model", exitCode: 2) { box in
            (["train", "--model", "alexnet", "--dataset", "synthetic", "--out", box.out.path], ["alexnet"])
        },
        BadInput(kind: "flag", label: "unknown dataset", exitCode: 2) { box in
            (try prune(box, ["--dataset", "imagenet"]), ["unknown dataset 'imagenet'"])
        },
        BadInput(kind: "flag", label: "N:M with N ≥ M", exitCode: 2) { box in
            (try prune(box, ["--constraint", "nm:4:2"]), ["N:M = 4:2", "1 ≤ N < M"])
        },
        BadInput(kind: "flag", label: "unknown constraint", exitCode: 2) { box in
            (try prune(box, ["--constraint", "diagonal"]), ["unknown constraint 'diagonal'"])
        },
        BadInput(kind: "flag", label: "unknown scope", exitCode: 2) { box in
            (try prune(box, ["--scope", "planet"]), ["--scope", "planet"])
        },
        BadInput(kind: "flag", label: "negative retraining budget", exitCode: 2) { box in
            (try prune(box, ["--retrain-epochs=-1"]), ["retraining epochs", "-1"])
        },
        BadInput(kind: "flag", label: "an option no selected method takes", exitCode: 2) { box in
            (try prune(box, ["--method", "magnitude", "--rho", "0.1"]), ["rho"])
        },
        BadInput(kind: "flag", label: "an exclude pattern that matches nothing", exitCode: 2) { box in
            (try prune(box, ["--exclude", "fc9.weight"]), ["fc9.weight", "matches no prunable parameter"])
        },
        BadInput(kind: "flag", label: "validation fraction above 1", exitCode: 2) { box in
            (train(box, ["--validation-fraction", "1.5"]), ["1.5"])
        },
        BadInput(kind: "flag", label: "prune without weights", exitCode: 2) { box in
            (["prune", "--model", "mlp", "--dataset", "synthetic", "--out", box.out.path], ["--weights"])
        },
        BadInput(kind: "flag", label: "prune without an output folder", exitCode: 2) { box in
            (["prune", "--model", "mlp", "--dataset", "synthetic", "--weights", try box.mlpWeights()], ["--out"])
        },
        BadInput(kind: "flag", label: "compare seeds that are not numbers", exitCode: 2) { box in
            (["compare", "--model", "mlp", "--dataset", "synthetic", "--seeds", "0,one", "--out", box.out.path], ["--seeds", "one"])
        },
        BadInput(kind: "flag", label: "compare with no method", exitCode: 2) { box in
            (["compare", "--model", "mlp", "--dataset", "synthetic", "--methods", ",", "--out", box.out.path], ["--methods"])
        },
        BadInput(kind: "flag", label: "negative pretraining budget", exitCode: 2) { box in
            (["compare", "--model", "mlp", "--dataset", "synthetic", "--pretrain-epochs=-2", "--out", box.out.path],
             ["--pretrain-epochs", "-2"])
        },
    ]

    // MARK: - Weights files

    static let weights: [BadInput] = [
        BadInput(kind: "weights", label: "missing file", exitCode: 2) { box in
            let path = box.url("missing.safetensors").path
            return (evaluate(weights: path), [path, "no such file"])
        },
        BadInput(kind: "weights", label: "a folder", exitCode: 2) { box in
            let path = try box.folder("weights.safetensors")
            return (evaluate(weights: path), [path, "is a folder"])
        },
        BadInput(kind: "weights", label: "a named pipe", exitCode: 2) { box in
            let path = box.fifo("weights.safetensors")
            return (evaluate(weights: path), [path, "FIFO"])
        },
        BadInput(kind: "weights", label: "an empty file", exitCode: 2) { box in
            let path = try box.write("empty.safetensors", [])
            return (evaluate(weights: path), [path])
        },
        BadInput(kind: "weights", label: "not safetensors", exitCode: 2) { box in
            let path = try box.write("text.safetensors", text: "these are not weights")
            return (evaluate(weights: path), [path])
        },
        BadInput(kind: "weights", label: "header length of 2^62", exitCode: 2) { box in
            let path = try box.safetensors("huge-header.safetensors", header: "{}", declaredLength: 1 << 62)
            return (evaluate(weights: path), [path, "header"])
        },
        BadInput(kind: "weights", label: "header longer than the file", exitCode: 2) { box in
            let path = try box.safetensors("long-header.safetensors", header: "{}", declaredLength: 4096)
            return (evaluate(weights: path), [path])
        },
        BadInput(kind: "weights", label: "header that is not JSON", exitCode: 2) { box in
            let path = try box.safetensors("bad-json.safetensors", header: "{\"fc1.weight\": [")
            return (evaluate(weights: path), [path])
        },
        BadInput(kind: "weights", label: "a tensor named twice", exitCode: 2) { box in
            let entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}"
            let path = try box.safetensors("twice.safetensors", header: "{\"a\":\(entry),\"a\":\(entry)}", data: [0, 0, 0, 0])
            return (evaluate(weights: path), [path, "'a' twice"])
        },
        BadInput(kind: "weights", label: "offsets past the end of the file", exitCode: 2) { box in
            let path = try box.safetensors("short.safetensors",
                                           header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
                                           data: [0, 0, 0, 0])
            return (evaluate(weights: path), [path])
        },
        BadInput(kind: "weights", label: "BOOL weights", exitCode: 2) { box in
            let path = try box.safetensors("bool.safetensors",
                                           header: "{\"fc1.weight\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}",
                                           data: [1, 0])
            return (evaluate(weights: path), [path, "fc1.weight", "BOOL"])
        },
        BadInput(kind: "weights", label: "I64 weights", exitCode: 2) { box in
            let path = try box.safetensors("i64.safetensors",
                                           header: "{\"fc1.weight\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
                                           data: [UInt8](repeating: 0, count: 8))
            return (evaluate(weights: path), [path, "fc1.weight", "I64"])
        },
        BadInput(kind: "weights", label: "a NaN weight", exitCode: 2) { box in
            let path = try box.mlpWeights("nan.safetensors") { $0["fc2.weight"]!.scalars[5] = .nan }
            return (evaluate(weights: path), [path, "fc2.weight", "nan", "finite"])
        },
        BadInput(kind: "weights", label: "an infinite weight", exitCode: 2) { box in
            let path = try box.mlpWeights("inf.safetensors") { $0["fc1.bias"]!.scalars[0] = -.infinity }
            return (evaluate(weights: path), [path, "fc1.bias", "inf"])
        },
        BadInput(kind: "weights", label: "a tensor of another shape", exitCode: 2) { box in
            let path = try box.mlpWeights("reshaped.safetensors") { $0["fc2.weight"] = Tensor.zeros([100, 299]) }
            return (evaluate(weights: path), [path, "fc2.weight"])
        },
        BadInput(kind: "weights", label: "a missing tensor", exitCode: 2) { box in
            let path = try box.mlpWeights("partial.safetensors") { $0["fc3.weight"] = nil }
            return (evaluate(weights: path), [path, "fc3.weight"])
        },
        BadInput(kind: "weights", label: "weights of another model", exitCode: 2) { box in
            let path = try box.mlpWeights("mlp.safetensors")
            return (evaluate(weights: path, model: "lenet5"), [path, "lenet5"])
        },
    ]

    // MARK: - Data files

    static let data: [BadInput] = [
        BadInput(kind: "data", label: "a data folder that does not exist", exitCode: 2) { box in
            let path = box.url("nowhere").path
            return (evaluate(weights: try box.mlpWeights(), dataDirectory: path), [path])
        },
        BadInput(kind: "data", label: "a data folder without the files", exitCode: 2) { box in
            let path = try box.folder("empty-data")
            return (evaluate(weights: try box.mlpWeights(), dataDirectory: path), ["train-images-idx3-ubyte", "missing"])
        },
        BadInput(kind: "data", label: "IDX dimensions whose product overflows", exitCode: 2) { box in
            let bytes = BadInputSandbox.idx(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: [])
            let path = try box.mnist(replacing: ["t10k-images-idx3-ubyte": bytes])
            return (evaluate(weights: try box.mlpWeights(), dataDirectory: path), ["t10k-images-idx3-ubyte"])
        },
        BadInput(kind: "data", label: "IDX with the wrong magic number", exitCode: 2) { box in
            let path = try box.mnist(replacing: ["t10k-labels-idx1-ubyte": [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 16]])
            return (evaluate(weights: try box.mlpWeights(), dataDirectory: path), ["t10k-labels-idx1-ubyte"])
        },
        BadInput(kind: "data", label: "a truncated IDX file", exitCode: 2) { box in
            let bytes = BadInputSandbox.idx(dimensions: [16, 28, 28], payload: BadInputSandbox.pixels(100, seed: 3))
            let path = try box.mnist(replacing: ["t10k-images-idx3-ubyte": bytes])
            return (evaluate(weights: try box.mlpWeights(), dataDirectory: path), ["t10k-images-idx3-ubyte"])
        },
        BadInput(kind: "data", label: "a gzip bomb", exitCode: 2) { box in
            // 16 images declared, 64 MiB of zeros compressed to about 64 KiB.
            let header = BadInputSandbox.idx(dimensions: [16, 28, 28], payload: [])
            let bomb = try BadInputSandbox.gzip(header + [UInt8](repeating: 0, count: 64 << 20))
            let path = try box.mnist()
            try box.write("mnist/t10k-images-idx3-ubyte.gz", bomb)
            return (evaluate(weights: try box.mlpWeights(), dataDirectory: path), ["t10k-images-idx3-ubyte.gz"])
        },
        BadInput(kind: "data", label: "a test set of no images", exitCode: 2) { box in
            let path = try box.mnist(replacing: [
                "t10k-images-idx3-ubyte": BadInputSandbox.idx(dimensions: [0, 28, 28], payload: []),
                "t10k-labels-idx1-ubyte": BadInputSandbox.idx(dimensions: [0], payload: []),
            ])
            return (evaluate(weights: try box.mlpWeights(), dataDirectory: path), ["t10k-images-idx3-ubyte", "0 images"])
        },
        BadInput(kind: "data", label: "a label out of range", exitCode: 2) { box in
            let path = try box.mnist(replacing: ["t10k-labels-idx1-ubyte": BadInputSandbox.idx(dimensions: [16], payload: [200] + [UInt8](repeating: 1, count: 15))])
            return (evaluate(weights: try box.mlpWeights(), dataDirectory: path), ["t10k-labels-idx1-ubyte", "200"])
        },
        BadInput(kind: "data", label: "image and label counts that differ", exitCode: 2) { box in
            let path = try box.mnist(replacing: ["t10k-labels-idx1-ubyte": BadInputSandbox.idx(dimensions: [15], payload: [UInt8](repeating: 1, count: 15))])
            return (evaluate(weights: try box.mlpWeights(), dataDirectory: path), ["16", "15"])
        },
        BadInput(kind: "data", label: "non-square images for the mlp", exitCode: 2) { box in
            let path = try box.mnist(rows: 28, columns: 20)
            return (evaluate(weights: try box.mlpWeights(), dataDirectory: path), ["[1, 28, 20]", "mlp", "[1, 28, 28]"])
        },
        BadInput(kind: "data", label: "a CIFAR file that is not whole records", exitCode: 2) { box in
            let path = try box.cifar(replacing: ["test_batch.bin": BadInputSandbox.pixels(3073 + 100, seed: 4)])
            return (["train", "--model", "mlp", "--dataset", "cifar10", "--data-dir", path, "--epochs", "1",
                     "--out", box.out.path], ["test_batch.bin", "3073"])
        },
        BadInput(kind: "data", label: "a CIFAR label above 9", exitCode: 2) { box in
            let path = try box.cifar(replacing: ["data_batch_3.bin": [12] + BadInputSandbox.pixels(3072, seed: 5)])
            return (["train", "--model", "mlp", "--dataset", "cifar10", "--data-dir", path, "--epochs", "1",
                     "--out", box.out.path], ["data_batch_3.bin", "12"])
        },
        BadInput(kind: "data", label: "an empty CIFAR file", exitCode: 2) { box in
            let path = try box.cifar(replacing: ["test_batch.bin": []])
            return (["train", "--model", "mlp", "--dataset", "cifar10", "--data-dir", path, "--epochs", "1",
                     "--out", box.out.path], ["test_batch.bin"])
        },
    ]

    // MARK: - Experiment files

    static let experiments: [BadInput] = [
        BadInput(kind: "experiment", label: "missing file", exitCode: 2) { box in
            let path = box.url("missing.yaml").path
            return (compare(box, experiment: path), [path, "no such file"])
        },
        BadInput(kind: "experiment", label: "a folder", exitCode: 2) { box in
            let path = try box.folder("experiment.yaml")
            return (compare(box, experiment: path), [path, "is a folder"])
        },
        BadInput(kind: "experiment", label: "a named pipe", exitCode: 2) { box in
            let path = box.fifo("experiment.yaml")
            return (compare(box, experiment: path), [path, "FIFO"])
        },
        experimentFile("YAML nested 10,000 deep", "deep.yaml", "model: " + String(repeating: "[", count: 10_000), naming: ["64 deep"]),
        experimentFile("JSON nested 10,000 deep", "deep.json", "{\"model\": " + String(repeating: "[", count: 10_000), naming: ["64 deep"]),
        experimentFile("a YAML key given twice", "twice.yaml", "model: mlp\ndataset: synthetic\nmodel: lenet5\n", naming: ["model", "twice"]),
        experimentFile("a JSON key given twice", "twice.json", "{\"model\": \"mlp\", \"model\": \"lenet5\"}", naming: ["model", "twice"]),
        experimentFile("malformed JSON", "broken.json", "{\n  \"model\": \"mlp\",\n  \"methods\": [\"slr\",]\n}\n", naming: ["line 3"]),
        experimentFile("a misspelt field", "typo.yaml", "model: mlp\ndatset: synthetic\n", naming: ["datset"]),
        experimentFile("a file above 1 MiB", "large.yaml", "model: mlp\n" + String(repeating: "# padding\n", count: 120_000), naming: []),
        experimentFile("an unknown method", "method.yaml", "model: mlp\ndataset: synthetic\nmethods: [slr, obs]\n", naming: ["obs"]),
        experimentFile("a sparsity out of range", "sparsity.yaml", "model: mlp\ndataset: synthetic\nconstraint: {sparsity: 1.5}\n", naming: ["1.5"]),
        BadInput(kind: "experiment", label: "an experiment file with experiment flags", exitCode: 2) { box in
            let path = try box.write("ok.yaml", text: "model: mlp\ndataset: synthetic\n")
            return (compare(box, experiment: path) + ["--sparsity", "0.5"], [path, "--sparsity"])
        },
        experimentFile("a YAML 1.1 base-60 number too large for an integer", "sexagesimal.yaml",
                       "model: mlp\ndataset: synthetic\npretrainEpochs: 1:2:3:4:5:6:7:8:9:10:11:12:13\n",
                       naming: ["pretrainEpochs", "base-60", "line 3"]),
        experimentFile("YAML that is not a mapping", "list.yaml", "- model\n- mlp\n", naming: ["a list", "expected a mapping"]),
        experimentFile("JSON that is not an object", "list.json", "[\"model\", \"mlp\"]", naming: ["a list", "expected a mapping"]),
    ]

    // MARK: - Output folders and resume

    static let folders: [BadInput] = [
        BadInput(kind: "folder", label: "--out is a file", exitCode: 2) { box in
            try box.write("out", text: "a file")
            return (train(box, []), [box.out.path, "file"])
        },
        BadInput(kind: "folder", label: "--out holds files shears did not write", exitCode: 2) { box in
            try box.write("out/notes.txt", text: "mine")
            return (train(box, []), [box.out.path, "notes.txt"])
        },
        BadInput(kind: "folder", label: "--out holds the weights the run reads", exitCode: 2) { box in
            let weights = try box.mlpWeights("out/model.safetensors")
            return (try prune(box, [], weights: weights), [weights, "inside"])
        },
        BadInput(kind: "folder", label: "--out in use by a live run", exitCode: 2) { box in
            let working = RunFolder.workingDirectory(for: box.out)
            try FileManager.default.createDirectory(at: working, withIntermediateDirectories: true)
            let owner = RunLock.Owner.current()
            let lock = "{\"pid\":\(getpid()),\"host\":\"\(owner.host)\",\"token\":\"someone-else\"}"
            try Data(lock.utf8).write(to: working.appendingPathComponent(RunLock.fileName))
            return (train(box, []), ["another shears run"])
        },
        BadInput(kind: "folder", label: "--resume of a folder that does not exist", exitCode: 2) { box in
            (["prune", "--resume", box.out.path], [box.out.path, "does not exist"])
        },
        BadInput(kind: "folder", label: "--resume of an empty folder", exitCode: 2) { box in
            try box.folder("out")
            return (["prune", "--resume", box.out.path], [box.out.path, "nothing to resume"])
        },
        BadInput(kind: "folder", label: "--resume and --out that differ", exitCode: 2) { box in
            (["prune", "--resume", box.url("a").path, "--out", box.url("b").path], ["--resume", "--out", "differ"])
        },
        BadInput(kind: "folder", label: "--resume of a comparison that does not exist", exitCode: 2) { box in
            (["compare", "--resume", box.out.path], [box.out.path, "does not exist"])
        },
        BadInput(kind: "run", label: "a learning rate that diverges", exitCode: 1) { box in
            (try prune(box, ["--retrain-lr", "9"]), ["diverged"])
        },
    ]
}
