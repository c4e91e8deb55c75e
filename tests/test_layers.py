"""course_utils.layers: the transposed convolution by phases equals Keras' own."""

import keras
import numpy as np
import pytest

from course_utils import backend, layers

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend

# (kernel side, stride): even and odd kernels, stride 1 to 3, a kernel as wide as its stride
SHAPES = [(2, 2), (3, 2), (4, 2), (5, 2), (3, 3), (5, 3), (6, 3), (3, 1), (4, 1)]


def _case(kernel_size, stride, seed, in_channels=3, out_channels=2, size=(5, 4)):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, *size, in_channels)).astype("float32")
    w = rng.normal(size=(kernel_size, kernel_size, out_channels, in_channels)).astype("float32")
    return x, w


@pytest.mark.parametrize("kernel_size, stride", SHAPES)
def test_by_phases_equals_keras_conv_transpose(kernel_size, stride):
    x, w = _case(kernel_size, stride, seed=kernel_size * 10 + stride)
    ours = backend.to_numpy(layers.conv_transpose_by_phases(x, w, stride))
    theirs = backend.to_numpy(keras.ops.conv_transpose(x, w, strides=stride, padding="same"))
    assert ours.shape == theirs.shape == (2, 5 * stride, 4 * stride, 2)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_by_phases_with_two_strides_and_a_non_square_kernel():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3, 4, 7, 5)).astype("float32")
    w = rng.normal(size=(4, 3, 6, 5)).astype("float32") * 100  # a very different scale
    ours = backend.to_numpy(layers.conv_transpose_by_phases(x, w, (2, 3)))
    theirs = backend.to_numpy(keras.ops.conv_transpose(x, w, strides=(2, 3), padding="same"))
    assert ours.shape == (3, 8, 21, 6)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("kernel_size, stride", [(4, 2), (3, 2), (5, 3)])
def test_by_phases_has_keras_gradients(kernel_size, stride):
    x, w = _case(kernel_size, stride, seed=3, in_channels=4, out_channels=3, size=(3, 5))
    target = np.random.default_rng(4).normal(size=(2, 3 * stride, 5 * stride, 3)).astype("float32")
    inputs, kernel = keras.Variable(x), keras.Variable(w)

    def gradients(conv):
        def loss():
            out = conv(inputs, kernel)
            return keras.ops.sum(keras.ops.square(out - keras.ops.convert_to_tensor(target)))

        _, grads = backend.value_and_gradients(loss, [inputs, kernel])
        return [backend.to_numpy(g) for g in grads]

    ours = gradients(lambda x, w: layers.conv_transpose_by_phases(x, w, stride))
    theirs = gradients(lambda x, w: keras.ops.conv_transpose(x, w, stride, padding="same"))
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine, reference, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize(
    "inputs, kernel, strides, pattern",
    [
        ((1, 4, 4, 3), (4, 4, 2, 3), 0, "`strides` must be a positive integer"),
        ((1, 4, 4, 3), (4, 4, 2, 3), (2, 2, 2), "`strides` must be a positive integer"),
        ((1, 4, 4, 3), (4, 4, 2, 3), 2.5, "`strides` must be a positive integer"),
        ((1, 4, 4, 3), (4, 4, 2, 3), "2", "`strides` must be a positive integer"),
        ((1, 4, 4, 3), (4, 4, 2, 5), 2, "last axis must equal the inputs' channels"),
        ((4, 4, 3), (4, 4, 2, 3), 2, r"received shapes \(4, 4, 3\)"),
        ((1, 4, 4, 3), (2, 2, 2, 3), 3, "at most the kernel's side"),
    ],
)
def test_bad_arguments_are_explained(inputs, kernel, strides, pattern):
    with pytest.raises(ValueError, match=pattern):
        layers.conv_transpose_by_phases(
            np.zeros(inputs, "float32"), np.zeros(kernel, "float32"), strides
        )


@pytest.mark.parametrize(
    "options",
    [
        {"kernel_size": 4, "strides": 2, "padding": "same", "activation": "relu"},
        {"kernel_size": 3, "strides": 2, "padding": "same", "use_bias": False},
        {"kernel_size": 3, "strides": 1, "padding": "same"},
        {"kernel_size": 3, "strides": 2, "padding": "valid"},
    ],
)
def test_the_layer_is_keras_layer_with_the_same_weights(options, tmp_path):
    x = np.random.default_rng(5).normal(size=(2, 7, 6, 4)).astype("float32")
    ours = layers.Conv2DTranspose(3, bias_initializer="random_normal", **options)
    theirs = keras.layers.Conv2DTranspose(3, **options)
    ours.build(x.shape)
    theirs.build(x.shape)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(
        backend.to_numpy(ours(x)), backend.to_numpy(theirs(x)), rtol=1e-5, atol=1e-5
    )
    model = keras.Sequential([keras.Input(x.shape[1:]), ours])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert type(loaded.layers[0]) is layers.Conv2DTranspose
    np.testing.assert_allclose(backend.to_numpy(loaded(x)), backend.to_numpy(model(x)), atol=1e-6)


def test_slow_transposed_convolution_only_on_jax_with_a_cpu():
    slow = backend.transposed_convolution_is_slow()
    if backend.name() == "jax":
        import jax

        assert slow == (jax.default_backend() == "cpu")
    else:
        assert slow is False
