"""course_utils.interpretation.occlusion: hidden squares, against a loop over the squares."""

import numpy as np
import pytest

from course_utils import interpretation

from .conftest import build_linear


def occlusion_by_loop(model, image, class_index, patch, stride, fill):
    """Every square hidden one at a time, each image through the model on its own."""
    height, width = image.shape[:2]
    rows = list(range(0, height - patch + 1, stride))
    columns = list(range(0, width - patch + 1, stride))
    rows += [] if rows[-1] == height - patch else [height - patch]
    columns += [] if columns[-1] == width - patch else [width - patch]
    before = interpretation.class_probabilities(model, image[None])[0, class_index]
    drops = np.zeros((len(rows), len(columns)))
    for i, row in enumerate(rows):
        for j, column in enumerate(columns):
            hidden = image.copy()
            hidden[row : row + patch, column : column + patch] = fill
            after = interpretation.class_probabilities(model, hidden[None])[0, class_index]
            drops[i, j] = before - after
    return drops


@pytest.mark.parametrize(
    "size, patch, stride, expected",
    [
        (12, 4, 2, [0, 2, 4, 6, 8]),
        (12, 4, 3, [0, 3, 6, 8]),  # 8 = 12 - 4 is added: the last 4 rows are covered
        (11, 3, 5, [0, 5, 8]),
        (5, 5, 1, [0]),
        (7, 1, 3, [0, 3, 6]),
    ],
)
def test_positions_end_at_size_minus_patch(size, patch, stride, expected):
    assert interpretation.occlusion_positions(size, patch, stride) == expected


def test_occlusion_map_equals_the_loop_on_the_cnn(cnn, bars):
    image, label = bars[0][0], int(bars[1][0])
    drops = interpretation.occlusion_map(cnn, image, label, patch=4, stride=3)
    assert drops.shape == (4, 4) and drops.dtype == np.float32
    np.testing.assert_allclose(drops, occlusion_by_loop(cnn, image, label, 4, 3, 0.0), atol=1e-6)
    assert drops.max() > 0.05  # hiding part of the bar costs probability


def test_occlusion_map_of_a_non_square_image_with_channels_and_a_fill():
    model, _, _ = build_linear((11, 9, 2), classes=4, seed=3)
    image = np.random.default_rng(0).random((11, 9, 2)).astype(np.float32)
    drops = interpretation.occlusion_map(model, image, 1, patch=3, stride=2, fill=0.5, batch_size=4)
    assert drops.shape == (5, 4)
    np.testing.assert_allclose(drops, occlusion_by_loop(model, image, 1, 3, 2, 0.5), atol=1e-6)


def test_occlusion_attributions_average_the_squares_over_each_pixel(linear, bars):
    model, _, _ = linear
    images, labels = bars[0][:2], bars[1][:2]
    maps = interpretation.occlusion_attributions(model, images, labels, patch=4, stride=3)
    assert maps.shape == (2, 12, 12)
    positions = interpretation.occlusion_positions(12, 4, 3)
    for image, label, pixel_map in zip(images, labels, maps):
        drops = interpretation.occlusion_map(model, image, int(label), patch=4, stride=3)
        for row, column in [(0, 0), (5, 7), (11, 11), (3, 8)]:
            covering = [
                drops[i, j]
                for i, top in enumerate(positions)
                for j, left in enumerate(positions)
                if top <= row < top + 4 and left <= column < left + 4
            ]
            assert pixel_map[row, column] == pytest.approx(np.mean(covering), abs=1e-6)


@pytest.mark.parametrize(
    "image, kwargs, match",
    [
        (np.zeros((1, 12, 12, 1)), {}, r"one image of shape \(height, width, channels\)"),
        (np.zeros((12, 12, 1)), {"class_index": [0]}, "must be one int"),
        (np.zeros((12, 12, 1)), {"patch": 13}, r"`patch` \(13\) must fit in the image"),
        (np.zeros((12, 12, 1)), {"stride": 0}, "`stride` must be a positive integer"),
        (np.zeros((12, 12, 1)), {"fill": "black"}, "`fill` must be a number"),
    ],
)
def test_bad_arguments_are_explained(linear, image, kwargs, match):
    arguments = {"class_index": 0, **kwargs}
    with pytest.raises(ValueError, match=match):
        interpretation.occlusion_map(linear[0], image, **arguments)
