// Module Training: trains and evaluates a network, with no pruning in it — the dense starting point of a run, and
// the loop the pruning pipeline drives through its hooks. Depends on the tensor engine, the layers and the data.
// See docs/ARCHITECTURE.md.
//
// Layout of the module, one job per file:
//   TrainingProgress.swift   — the training clock (step, epoch, steps per epoch) that schedules read
//   Loss.swift               — the loss a trainer minimises, cross-entropy by default
//   OptimizerSettings.swift  — SGD settings of one phase, their check, and the cosine learning rate
//   ProgressReporter.swift   — live progress of the batches, and a reporter that stays silent
//   Trainer.swift            — one epoch in seeded data order, with penalty and step hooks
//   Evaluation.swift         — accuracy and mean loss in inference mode
//   DenseTraining.swift      — trains a network without pruning
//   TrainingError.swift      — the errors of training
