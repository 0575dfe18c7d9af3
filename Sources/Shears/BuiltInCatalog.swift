import PruningCore

extension ShearsCatalog {
    /// The built-in catalog: the methods of ``BuiltInMethods``, the networks of `ModelZoo` and the datasets of
    /// `DatasetCatalog`. `shears` runs with it; a package of its own registers its entries in a copy:
    ///
    /// ```swift
    /// let catalog = try ShearsCatalog.builtIn.adding(methods: [MyPruning.registration])
    /// ```
    public static let builtIn = ShearsCatalog(methods: BuiltInMethods.registry, models: .zoo,
                                              datasets: DatasetCatalog.registry)
}
