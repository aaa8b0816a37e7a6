"""Fitting a network Pipeline with validation rows that pass through its training-fitted preprocessor."""


def fit_network(pipeline, X, y, validation_data=None, on_evaluate=None):
    """Fit a make_network pipeline, passing validation rows through its training-fitted preprocessor.

    Pipeline.fit would hand `model__validation_data` to the network untransformed; this fits
    the preprocessor on X only, transforms both tables with it, then trains the network.
    """
    prep, network = pipeline[:-1], pipeline[-1]
    features = prep.fit_transform(X, y)
    if validation_data is not None:
        validation_data = (prep.transform(validation_data[0]), validation_data[1])
    network.fit(features, y, validation_data=validation_data, on_evaluate=on_evaluate)
    return pipeline
