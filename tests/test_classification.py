"""course_utils.classification: the seed CNN and the tools to judge a classifier."""

import json
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import classification, config, data


def document_model():
    """The document's code, as written (minus fit)."""
    from keras import layers, models

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras 3 warns about input_shape on a layer
        model = models.Sequential()
        model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
        model.add(layers.MaxPooling2D((2, 2)))
        model.add(layers.Conv2D(64, (3, 3), activation="relu"))
        model.add(layers.MaxPooling2D((2, 2)))
        model.add(layers.Conv2D(64, (3, 3), activation="relu"))
        model.add(layers.Flatten())
        model.add(layers.Dense(64, activation="relu"))
        model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_seed_cnn_is_the_documents_model():
    model = classification.build_seed_cnn()
    reference = document_model()
    assert model.count_params() == classification.SEED_CNN_PARAMS == 93_322
    assert classification.layer_table(model) == classification.layer_table(reference)
    for mine, theirs in zip(model.layers, reference.layers, strict=True):
        assert type(mine) is type(theirs)
        ours = {k: v for k, v in mine.get_config().items() if k not in ("name", "build_config")}
        document = {
            k: v for k, v in theirs.get_config().items() if k not in ("name", "build_config")
        }
        ours.pop("input_shape", None), document.pop("input_shape", None)
        assert ours == document
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert model.loss == reference.loss == "sparse_categorical_crossentropy"
    # Same architecture: with the document model's weights it gives the same outputs.
    model.set_weights(reference.get_weights())
    images = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(
        model.predict(images, verbose=0), reference.predict(images, verbose=0), atol=1e-6
    )


@pytest.mark.parametrize(
    "input_shape, num_classes, params",
    [((28, 28, 1), 2, 93_322 - 8 * 65), ((32, 32, 3), 10, None), ((18, 18, 1), 10, None)],
)
def test_seed_cnn_on_other_shapes(input_shape, num_classes, params):
    model = classification.build_seed_cnn(input_shape, num_classes)
    assert model.compute_output_shape((None, *input_shape)) == (None, num_classes)
    if params is not None:
        assert model.count_params() == params


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"input_shape": (28, 28)}, r"\(height, width, channels\).*normalize_images"),
        ({"input_shape": (16, 16, 1)}, "at least 18 pixels"),
        ({"input_shape": (28, 28, 0)}, "positive integers"),
        ({"num_classes": 1}, "at least 2"),
        ({"num_classes": "10"}, "at least 2"),
    ],
)
def test_seed_cnn_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        classification.build_seed_cnn(**kwargs)


@pytest.mark.parametrize(
    "kernel_size, in_channels, filters",
    [(3, 1, 32), ((3, 3), 32, 64), ((3, 5), 3, 8), ((5, 3), 7, 13), (1, 16, 4), ((7, 2), 1, 9)],
)
def test_count_conv2d_params_matches_keras(kernel_size, in_channels, filters):
    layer = keras.layers.Conv2D(filters, kernel_size)
    layer.build((None, 12, 12, in_channels))
    assert classification.count_conv2d_params(kernel_size, in_channels, filters) == (
        layer.count_params()
    )


@pytest.mark.parametrize(
    "args",
    [(0, 1, 32), ((3,), 1, 32), ((3, 3), 1.5, 32), (3, 1, -2), ("3", 1, 2), (True, 1, 2)],
)
def test_count_conv2d_params_rejects_bad_sizes(args):
    with pytest.raises(ValueError, match=r"positive integers.*count_conv2d_params\(3, 1, 32\)"):
        classification.count_conv2d_params(*args)


def test_layer_table_rejects_something_that_is_not_a_model():
    with pytest.raises(ValueError, match="built keras.Model"):
        classification.layer_table([1, 2, 3])


@pytest.mark.parametrize("n, k", [(100, 10), (7, 3), (1, 2)])
def test_confusion_matrix_matches_tensorflow(n, k):
    rng = np.random.default_rng(n)
    labels = rng.integers(0, k, size=n)
    predictions = rng.integers(0, k, size=n)
    got = classification.confusion_matrix(labels, predictions, num_classes=k)
    expected = tf.math.confusion_matrix(labels, predictions, num_classes=k).numpy()
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got.sum(axis=1), np.bincount(labels, minlength=k))


def test_confusion_matrix_infers_its_size_and_orients_rows_as_truth():
    got = classification.confusion_matrix(np.array([0, 0, 2]), np.array([1, 1, 2]))
    np.testing.assert_array_equal(got, [[0, 2, 0], [0, 0, 0], [0, 0, 1]])


@pytest.mark.parametrize(
    "labels, predictions, kwargs, match",
    [
        (np.array([0.0, 1.0]), np.array([0, 1]), {}, r"`labels` must be integer.*astype\(int\)"),
        (np.array([0, 1]), np.full((2, 3), 1 / 3), {}, r"predictions.argmax\(axis=1\)"),
        (np.array([0, 1]), np.array([0.2, 0.9]), {}, r"probs.argmax\(axis=1\)"),
        (np.array([0, 1, 1]), np.array([0, 1]), {}, "2 entries but 3 were expected"),
        (np.array([0, 5]), np.array([0, 1]), {"num_classes": 3}, "below num_classes=3"),
        (np.array([0, 1]), np.array([0, 1]), {"num_classes": 1}, "at least 2"),
    ],
)
def test_confusion_matrix_rejects_bad_input(labels, predictions, kwargs, match):
    with pytest.raises(ValueError, match=match):
        classification.confusion_matrix(labels, predictions, **kwargs)


def test_plot_confusion_matrix_shows_counts_and_accuracy():
    matrix = np.array([[50, 2, 0], [3, 40, 5], [0, 0, 60]])
    fig = classification.plot_confusion_matrix(matrix, class_names=["a", "b", "c"])
    ax = fig.axes[0]
    assert ax.get_title() == "accuracy 93.75% (150 of 160); mistakes coloured"
    texts = [text.get_text() for text in ax.texts]
    assert texts == [str(value) for value in matrix.ravel()]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["a", "b", "c"]


@pytest.mark.parametrize(
    "matrix", [np.zeros((2, 3), int), np.array([[1.5, 0], [0, 1]]), np.array([[1, -1], [0, 2]])]
)
def test_plot_confusion_matrix_rejects_bad_matrices(matrix):
    with pytest.raises(ValueError, match=r"square array.*confusion_matrix\(labels, predictions\)"):
        classification.plot_confusion_matrix(matrix)


def test_most_confident_mistakes_orders_by_confidence():
    probs = np.array([[0.6, 0.4], [0.1, 0.9], [0.99, 0.01], [0.3, 0.7], [0.8, 0.2]])
    labels = np.array([1, 1, 1, 0, 0])  # wrong: 0 (0.6), 2 (0.99), 3 (0.7)
    np.testing.assert_array_equal(classification.most_confident_mistakes(probs, labels), [2, 3, 0])
    np.testing.assert_array_equal(
        classification.most_confident_mistakes(probs, labels, count=2), [2, 3]
    )
    assert len(classification.most_confident_mistakes(probs, probs.argmax(axis=1))) == 0


@pytest.mark.parametrize(
    "probs, labels, count, match",
    [
        (np.array([0.2, 0.8]), np.array([1]), 4, r"\(n, num_classes\)"),
        (np.array([[0.2, 0.8]]), np.array([1.0]), 4, "integer"),
        (np.array([[0.2, 0.8]]), np.array([1]), 0, "positive integer"),
    ],
)
def test_most_confident_mistakes_rejects_bad_input(probs, labels, count, match):
    with pytest.raises(ValueError, match=match):
        classification.most_confident_mistakes(probs, labels, count)


def test_plot_confident_mistakes_captions_truth_and_prediction():
    probs = np.array([[0.6, 0.4], [0.1, 0.9], [0.95, 0.05]])
    labels = np.array([1, 1, 1])
    fig = classification.plot_confident_mistakes(
        np.zeros((3, 28, 28, 1)), labels, probs, class_names=["cat", "dog"]
    )
    assert [ax.get_title() for ax in fig.axes] == [
        "true dog\npred cat (95%)",
        "true dog\npred cat (60%)",
    ]
    assert fig._suptitle.get_text() == "The 2 most confident mistakes (of 2)"
    none = classification.plot_confident_mistakes(np.zeros((1, 5, 5)), [1], [[0.1, 0.9]])
    assert none.axes[0].texts[0].get_text() == "no mistakes"
    with pytest.raises(ValueError, match="one image per label"):
        classification.plot_confident_mistakes(np.zeros((2, 5, 5)), labels, probs)


def test_a_fast_run_saves_beside_the_full_model(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert classification.seed_cnn_path() == config.build_dir() / "models" / "seed_cnn.keras"
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    assert classification.seed_cnn_path() == config.build_dir() / "models" / "seed_cnn.fast.keras"


def test_save_and_load_the_seed_cnn(capsys):
    model = classification.build_seed_cnn()
    rng = np.random.default_rng(1)
    model.fit(rng.random((8, 28, 28, 1)), rng.integers(0, 10, size=8), verbose=0)
    path = classification.save_seed_cnn(model, test_accuracy=np.float32(0.5), epochs=5)
    assert path == config.build_dir() / "models" / "seed_cnn.keras"
    note = json.loads(path.with_suffix(".json").read_text())
    assert note["test_accuracy"] == 0.5 and note["epochs"] == 5 and note["profile"] == "full"
    loaded, loaded_note = classification.load_or_train_seed_cnn()
    assert loaded_note == note
    assert "loaded the seed CNN from" in capsys.readouterr().out
    images = rng.random((3, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(
        loaded.predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-6
    )
    with pytest.raises(ValueError, match=r"end in \.keras"):
        classification.save_seed_cnn(model, path=path.with_suffix(".h5"))
    with pytest.raises(ValueError, match="must be a number"):
        classification.save_seed_cnn(model, note="good")


def test_load_or_train_trains_a_quick_model_when_none_is_saved(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    model, note = classification.load_or_train_seed_cnn(epochs=3, train_limit=256)
    out = capsys.readouterr().out
    assert "training a quick one now (3 epoch(s) on 256 images)" in out
    assert classification.seed_cnn_path().is_file()
    assert note["train_images"] == 256 and note["profile"] == "fast"
    assert note["test_accuracy"] > 0.5  # 24 steps of Adam; chance is 0.1
    test_images, test_labels = data.load_mnist("test", limit=500)
    accuracy = model.predict(data.normalize_images(test_images), verbose=0).argmax(1) == test_labels
    assert accuracy.mean() == pytest.approx(note["test_accuracy"], abs=1e-6)
    with pytest.raises(ValueError, match="`epochs` must be a positive integer"):
        classification.load_or_train_seed_cnn(path="elsewhere.keras", epochs=0)


def test_compare_training_sparse_and_one_hot_losses_agree():
    rng = np.random.default_rng(0)
    images = rng.random((96, 28, 28, 1)).astype("float32")
    labels = rng.integers(0, 10, size=96)
    runs = {
        "sparse": {"optimizer": "adam"},
        "one-hot": {"optimizer": keras.optimizers.Adam(), "loss": "categorical_crossentropy"},
        "sgd": {"optimizer": keras.optimizers.SGD(learning_rate=0.5)},
    }
    results = classification.compare_training(
        runs, images, labels, images[:32], labels[:32], epochs=2, batch_size=16
    )
    assert list(results) == list(runs)
    for run in results.values():
        assert len(run.batch_losses) == 12 and run.batch_size == 16
        # The recovered per-batch losses average to what Keras reports per epoch.
        epoch_means = run.batch_losses.reshape(2, 6).mean(axis=1)
        np.testing.assert_allclose(epoch_means, run.history["loss"], rtol=1e-4)
        assert 0 <= run.test_accuracy <= 1 and run.seconds > 0
    sparse, one_hot = results["sparse"], results["one-hot"]
    np.testing.assert_allclose(sparse.batch_losses, one_hot.batch_losses, rtol=1e-3)
    assert sparse.batch_losses[0] == pytest.approx(one_hot.batch_losses[0], rel=1e-5)
    assert sparse.batch_losses[0] == pytest.approx(results["sgd"].batch_losses[0], rel=1e-5)
    assert not np.allclose(sparse.batch_losses[1:], results["sgd"].batch_losses[1:], rtol=1e-3)
    fig = classification.plot_comparison(results, smoothing=4)
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 3


@pytest.mark.parametrize(
    "runs, images, labels, match",
    [
        ({}, np.zeros((4, 28, 28, 1), "float32"), np.zeros(4, int), "non-empty dict"),
        ({"a": {"lr": 1}}, np.zeros((4, 28, 28, 1), "float32"), np.zeros(4, int), "'optimizer'"),
        (
            {"a": {"optimizer": "adam"}},
            np.zeros((4, 28, 28), "uint8"),
            np.zeros(4, int),
            r"normalize_images\(images\)",
        ),
        (
            {"a": {"optimizer": "adam"}},
            np.zeros((4, 28, 28, 1), "float32"),
            np.zeros(4),
            r"astype\(int\)",
        ),
    ],
)
def test_compare_training_rejects_bad_input(runs, images, labels, match):
    with pytest.raises(ValueError, match=match):
        classification.compare_training(runs, images, labels, images, labels)


def test_plot_comparison_rejects_what_compare_training_did_not_return():
    with pytest.raises(ValueError, match="compare_training returns"):
        classification.plot_comparison({"adam": 0.9})
