"""course_utils.efficiency.flops: multiply-adds counted by hand, layer by layer and for the seed CNN."""

import keras
import pytest
from keras import layers

from course_utils import classification, efficiency

# (layer, input shape of one example, multiply-adds written out by hand)
CONV_CASES = {
    # valid: (7 - 3 + 1) x (9 - 3 + 1) = 5 x 7 positions, 3 * 3 * 3 products per filter
    "valid 3x3 on 3 channels": (lambda: layers.Conv2D(8, 3), (7, 9, 3), 5 * 7 * 3 * 3 * 3 * 8),
    # same, stride 1: the output keeps the 7 x 9 size
    "same 3x3 on 3 channels": (
        lambda: layers.Conv2D(8, 3, padding="same"),
        (7, 9, 3),
        7 * 9 * 3 * 3 * 3 * 8,
    ),
    # stride 2, valid: (9 - 3) // 2 + 1 = 4 rows, (11 - 3) // 2 + 1 = 5 columns
    "stride 2 valid": (lambda: layers.Conv2D(4, 3, strides=2), (9, 11, 2), 4 * 5 * 3 * 3 * 2 * 4),
    # stride 2, same: ceil(9 / 2) = 5 rows, ceil(11 / 2) = 6 columns
    "stride 2 same": (
        lambda: layers.Conv2D(4, 3, strides=2, padding="same"),
        (9, 11, 2),
        5 * 6 * 3 * 3 * 2 * 4,
    ),
    # a 3x5 kernel: (8 - 3 + 1) x (10 - 5 + 1) = 6 x 6 positions
    "non-square kernel 3x5": (
        lambda: layers.Conv2D(6, (3, 5)),
        (8, 10, 4),
        6 * 6 * 3 * 5 * 4 * 6,
    ),
    # a 2x3 kernel, strides (2, 1), same: ceil(7 / 2) = 4 rows, 8 columns
    "kernel 2x3, strides (2, 1), same": (
        lambda: layers.Conv2D(5, (2, 3), strides=(2, 1), padding="same"),
        (7, 8, 3),
        4 * 8 * 2 * 3 * 3 * 5,
    ),
    # stride 3, valid, odd sizes: (11 - 3) // 3 + 1 = 3, (13 - 3) // 3 + 1 = 4
    "stride 3 valid": (lambda: layers.Conv2D(7, 3, strides=3), (11, 13, 5), 3 * 4 * 3 * 3 * 5 * 7),
    # dilation 2: the 3x3 kernel covers 5x5 pixels, (9 - 5 + 1) = 5; still 9 weights
    "dilation 2": (lambda: layers.Conv2D(4, 3, dilation_rate=2), (9, 9, 1), 5 * 5 * 3 * 3 * 1 * 4),
    # 2 groups: each filter sees 4 / 2 = 2 input channels
    "2 groups": (lambda: layers.Conv2D(6, 3, groups=2), (6, 6, 4), 4 * 4 * 3 * 3 * 2 * 6),
    # a 1x1 convolution: one product per input channel and filter at each pixel
    "1x1": (lambda: layers.Conv2D(16, 1), (5, 5, 8), 5 * 5 * 1 * 1 * 8 * 16),
}


@pytest.mark.parametrize("name", CONV_CASES)
def test_conv2d_matches_the_hand_count(name):
    make, shape, expected = CONV_CASES[name]
    assert efficiency.count_macs(make(), input_shape=shape) == expected


@pytest.mark.parametrize("name", CONV_CASES)
def test_conv2d_in_a_model_has_keras_output_shape_and_the_hand_count(name):
    make, shape, expected = CONV_CASES[name]
    model = keras.Sequential([keras.Input(shape), make()])
    flops = efficiency.count_flops(model)
    (row,) = flops.layers
    assert row.output_shape == tuple(model.layers[0].output.shape[1:])
    assert (row.kind, row.macs, row.operation) == ("Conv2D", expected, "multiply-add")
    assert flops.macs == expected


def test_conv2d_macs_formula():
    assert efficiency.conv2d_macs((28, 28, 1), 32, 3) == 26 * 26 * 9 * 32
    assert efficiency.conv2d_macs((28, 28, 1), 32, 3, padding="same") == 28 * 28 * 9 * 32
    assert efficiency.conv2d_macs((10, 15, 4), 6, (2, 5), (1, 2), "same") == 10 * 8 * 10 * 4 * 6
    assert efficiency.conv2d_macs((15, 8, 5), 7, (4, 1), (3, 2)) == 4 * 4 * 4 * 1 * 5 * 7


def test_channels_first_counts_the_same():
    layer = layers.Conv2D(8, 3, data_format="channels_first")
    assert efficiency.count_macs(layer, input_shape=(3, 7, 9)) == 5 * 7 * 3 * 3 * 3 * 8
    pool = layers.MaxPooling2D(2, data_format="channels_first")
    assert efficiency.count_macs(pool, input_shape=(3, 7, 9)) == 3 * 4 * 3 * 2 * 2


def test_bias_and_activation_are_not_counted():
    plain = efficiency.count_macs(layers.Conv2D(8, 3, use_bias=False), input_shape=(7, 9, 3))
    full = efficiency.count_macs(layers.Conv2D(8, 3, activation="relu"), input_shape=(7, 9, 3))
    assert plain == full == 5 * 7 * 27 * 8


def test_dense_matches_the_hand_count():
    assert efficiency.count_macs(layers.Dense(7), input_shape=(20,)) == 20 * 7
    # on a (3, 20) input the same 20 x 7 product runs at each of the 3 positions
    assert efficiency.count_macs(layers.Dense(7), input_shape=(3, 20)) == 3 * 20 * 7


POOL_CASES = {
    # 2x2 windows, stride 2: 7 // 2 = 3 rows, 9 // 2 = 4 columns, 4 comparisons each
    "max 2x2": (lambda: layers.MaxPooling2D(2), (7, 9, 3), 3 * 4 * 3 * 2 * 2, "comparison"),
    # 3x2 windows, strides (1, 2), same: 5 rows, ceil(6 / 2) = 3 columns, 6 additions each
    "average 3x2 same": (
        lambda: layers.AveragePooling2D((3, 2), strides=(1, 2), padding="same"),
        (5, 6, 2),
        5 * 3 * 2 * 3 * 2,
        "addition",
    ),
    # 3x3 windows, stride 1: (8 - 3 + 1) = 6 by (5 - 3 + 1) = 3
    "max 3x3 stride 1": (
        lambda: layers.MaxPooling2D(3, strides=1),
        (8, 5, 4),
        6 * 3 * 4 * 3 * 3,
        "comparison",
    ),
    "global average": (lambda: layers.GlobalAveragePooling2D(), (6, 5, 3), 6 * 5 * 3, "addition"),
    "global max": (lambda: layers.GlobalMaxPooling2D(), (6, 5, 3), 6 * 5 * 3, "comparison"),
}


@pytest.mark.parametrize("name", POOL_CASES)
def test_pooling_matches_the_hand_count(name):
    make, shape, expected, operation = POOL_CASES[name]
    model = keras.Sequential([keras.Input(shape), make()])
    (row,) = efficiency.count_flops(model).layers
    assert (row.macs, row.operation) == (expected, operation)
    assert row.output_shape == tuple(model.layers[0].output.shape[1:])
    assert efficiency.count_macs(make(), input_shape=shape) == expected


@pytest.mark.parametrize(
    "make",
    [
        layers.Flatten,
        lambda: layers.Dropout(0.5),
        layers.ReLU,
        lambda: layers.Activation("relu"),
        layers.Softmax,
        lambda: layers.Reshape((-1,)),
    ],
)
def test_layers_without_products_count_zero(make):
    model = keras.Sequential([keras.Input((4, 5, 3)), make()])
    (row,) = efficiency.count_flops(model).layers
    assert (row.macs, row.operation) == (0, "none")
    assert row.output_shape == tuple(model.layers[0].output.shape[1:])


def test_a_functional_models_input_layer_counts_zero():
    inputs = keras.Input((6, 6, 2))
    model = keras.Model(inputs, layers.Conv2D(3, 3)(inputs))
    flops = efficiency.count_flops(model)
    assert [(row.kind, row.macs) for row in flops.layers] == [
        ("InputLayer", 0),
        ("Conv2D", 4 * 4 * 3 * 3 * 2 * 3),
    ]


# The seed CNN on one 28x28x1 image, layer by layer, from the shapes:
# 28x28x1 -> 26x26x32 -> 13x13x32 -> 11x11x64 -> 5x5x64 -> 3x3x64 -> 576 -> 64 -> 10
SEED_CNN_ROWS = [
    ("Conv2D", (26, 26, 32), 26 * 26 * 3 * 3 * 1 * 32),  # 194,688
    ("MaxPooling2D", (13, 13, 32), 13 * 13 * 32 * 2 * 2),  # 21,632 comparisons
    ("Conv2D", (11, 11, 64), 11 * 11 * 3 * 3 * 32 * 64),  # 2,230,272
    ("MaxPooling2D", (5, 5, 64), 5 * 5 * 64 * 2 * 2),  # 6,400 comparisons
    ("Conv2D", (3, 3, 64), 3 * 3 * 3 * 3 * 64 * 64),  # 331,776
    ("Flatten", (576,), 0),
    ("Dense", (64,), 576 * 64),  # 36,864
    ("Dense", (10,), 64 * 10),  # 640
]
SEED_CNN_MACS = sum(macs for kind, _, macs in SEED_CNN_ROWS if kind in ("Conv2D", "Dense"))
SEED_CNN_POOLING = sum(macs for kind, _, macs in SEED_CNN_ROWS if kind == "MaxPooling2D")


def test_seed_cnn_layer_by_layer():
    flops = efficiency.count_flops(classification.build_seed_cnn())
    assert [(row.kind, row.output_shape, row.macs) for row in flops.layers] == SEED_CNN_ROWS
    assert [row.operation for row in flops.layers] == [
        "multiply-add",
        "comparison",
        "multiply-add",
        "comparison",
        "multiply-add",
        "none",
        "multiply-add",
        "multiply-add",
    ]


def test_seed_cnn_totals():
    flops = efficiency.count_flops(classification.build_seed_cnn())
    assert (SEED_CNN_MACS, SEED_CNN_POOLING) == (2_794_240, 28_032)
    assert flops.macs == SEED_CNN_MACS
    assert flops.other_operations == SEED_CNN_POOLING  # comparisons, one FLOP each
    assert flops.forward_flops == 2 * SEED_CNN_MACS + SEED_CNN_POOLING
    assert flops.training_flops == 3 * (2 * SEED_CNN_MACS + SEED_CNN_POOLING) == 16_849_536
    assert flops.step_flops(32) == 32 * flops.training_flops
    assert efficiency.TRAINING_FACTOR == 3
    assert flops.skipped == ()


def test_seed_cnn_table_lists_every_layer_and_the_total():
    lines = efficiency.count_flops(classification.build_seed_cnn()).table().splitlines()
    assert len(lines) == 1 + len(SEED_CNN_ROWS) + 2
    assert lines[3].split()[:5] == ["Conv2D", "(11,", "11,", "64)", "2,230,272"]
    assert lines[-2].split() == ["total", "2,794,240", "100.0%", "multiply-adds"]
    assert lines[-1].split() == ["28,032", "other", "operations"]


def test_an_unknown_layer_is_named_with_what_is_supported():
    model = keras.Sequential([keras.Input((6, 6, 2)), layers.BatchNormalization()])
    with pytest.raises(ValueError, match=r"of class BatchNormalization; it counts Conv2D, Dense"):
        efficiency.count_flops(model)
    with pytest.raises(ValueError, match=r"skip_unknown=True"):
        efficiency.count_macs(layers.LayerNormalization(), input_shape=(4,))


def test_skip_unknown_counts_zero_and_says_so():
    model = keras.Sequential(
        [keras.Input((6, 6, 2)), layers.Conv2D(3, 3), layers.BatchNormalization(name="bn")]
    )
    flops = efficiency.count_flops(model, skip_unknown=True)
    assert flops.skipped == ("bn",)
    assert (flops.layers[1].macs, flops.layers[1].operation) == (0, "not counted")
    assert flops.layers[1].output_shape == (4, 4, 3)
    assert flops.macs == 4 * 4 * 3 * 3 * 2 * 3
    assert "not counted" in flops.table()


@pytest.mark.parametrize(
    "model, match",
    [
        ("seed_cnn", r"`model` must be a keras.Model; received str"),
        (None, r"`model` must be a keras.Model; received NoneType"),
        (layers.Dense(3), r"`model` must be a keras.Model; received Dense"),
    ],
)
def test_count_flops_refuses_what_is_not_a_model(model, match):
    with pytest.raises(ValueError, match=match):
        efficiency.count_flops(model)


def test_count_flops_refuses_a_model_that_is_not_built():
    model = keras.Sequential([layers.Conv2D(3, 3), layers.Flatten(), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"is not built.*keras.Input\(shape=\(28, 28, 1\)\)"):
        efficiency.count_flops(model)


def test_count_flops_refuses_a_variable_input_size():
    model = keras.Sequential([keras.Input((None, None, 1)), layers.Conv2D(3, 3)])
    with pytest.raises(ValueError, match=r"fixed shape of positive integers.*\(None, None, 1\)"):
        efficiency.count_flops(model)


def test_count_flops_refuses_a_bad_skip_unknown():
    with pytest.raises(ValueError, match=r"`skip_unknown` must be True or False; received 'yes'"):
        efficiency.count_flops(classification.build_seed_cnn(), skip_unknown="yes")


def test_count_macs_refuses_what_is_not_a_layer():
    with pytest.raises(ValueError, match=r"`layer` must be a Keras layer; received str"):
        efficiency.count_macs("Conv2D", input_shape=(28, 28, 1))


def test_count_macs_needs_an_input_shape_for_a_lone_layer():
    with pytest.raises(ValueError, match=r"has no known input shape.*input_shape=\(height"):
        efficiency.count_macs(layers.Conv2D(8, 3))


@pytest.mark.parametrize(
    "layer, shape, match",
    [
        (layers.Conv2D(8, 3), (7, 9), r"takes one image of 3 axes.*received an input of shape"),
        (layers.Conv2D(8, 3), (7, 0, 3), r"fixed shape of positive integers.*\(7, 0, 3\)"),
        (layers.Conv2D(8, 5), (3, 9, 1), r"`kernel_size` 5 is larger than `input_size` 3"),
    ],
)
def test_count_macs_refuses_an_input_it_cannot_take(layer, shape, match):
    with pytest.raises(ValueError, match=match):
        efficiency.count_macs(layer, input_shape=shape)


@pytest.mark.parametrize(
    "args, match",
    [
        (((28, 28), 32, 3), r"`input_shape` must be 3 positive integers; received \(28, 28\)"),
        (((28, 28, 1), 0, 3), r"`filters` must be a positive integer; received 0"),
        (((28, 28, 1), 32, (3, 0)), r"`kernel_size` must be a positive integer or a pair"),
        (((28, 28, 1), 32, 3, 1, "full"), r"`padding` must be 'valid' or 'same'; received 'full'"),
        (((28, 28, 1), 32, 3, 0), r"`strides` must be a positive integer or a pair"),
    ],
)
def test_conv2d_macs_refuses_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        efficiency.conv2d_macs(*args)


def test_step_flops_refuses_a_bad_batch_size():
    flops = efficiency.count_flops(classification.build_seed_cnn())
    with pytest.raises(ValueError, match=r"`batch_size` must be a positive integer; received 0"):
        flops.step_flops(0)
