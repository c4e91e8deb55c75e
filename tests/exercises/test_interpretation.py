"""Notebook 09's checkers (occlusion, Grad-CAM weights): right answers pass, each mistake fails."""

import numpy as np
import pytest

from course_utils import curriculum, exercises, interpretation
from course_utils.exercises import interpretation as checkers

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend


def title(name):
    return curriculum.exercise_title(name)


class Unreadable:
    """An answer that NumPy cannot convert: its __array__ raises."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array here")


def stub(*args):
    raise NotImplementedError


def positions(size, patch, stride, last=True):
    starts = list(range(0, size - patch + 1, stride))
    if last and starts[-1] != size - patch:
        starts.append(size - patch)
    return starts


def occlusion_variant(fill=0.0, last=True, sign=1, transpose=False, channel=None, own=False):
    """An occlusion map written by a learner, with one mistake switched on."""

    def occlusion(predict, image, patch, stride):
        image = np.asarray(image, dtype=float)
        rows = positions(image.shape[0], patch, stride, last)
        columns = positions(image.shape[1], patch, stride, last)
        probs = predict(image[None])[0]
        label = int(np.argmax(probs))
        drops = np.zeros((len(rows), len(columns)))
        for i, row in enumerate(rows):
            for j, column in enumerate(columns):
                hidden = image.copy()
                value = image.mean() if fill == "mean" else fill
                if channel is None:
                    hidden[row : row + patch, column : column + patch] = value
                else:
                    hidden[row : row + patch, column : column + patch, channel] = value
                after = predict(hidden[None])[0]
                drops[i, j] = sign * (probs[label] - (after.max() if own else after[label]))
        return drops.T if transpose else drops

    return occlusion


def occlusion_batched(predict, image, patch, stride):
    """One call of predict for every square at once."""
    rows = positions(image.shape[0], patch, stride)
    columns = positions(image.shape[1], patch, stride)
    copies = np.repeat(image[None].astype(np.float32), len(rows) * len(columns) + 1, axis=0)
    for number, (row, column) in enumerate(
        [(row, column) for row in rows for column in columns], start=1
    ):
        copies[number, row : row + patch, column : column + patch] = 0
    probs = predict(copies)
    label = np.argmax(probs[0])
    return (probs[0, label] - probs[1:, label]).reshape(len(rows), len(columns))


def occlusion_in_place(predict, image, patch, stride):
    probs = predict(image[None])[0]
    label = np.argmax(probs)
    rows, columns = (
        positions(image.shape[0], patch, stride),
        positions(image.shape[1], patch, stride),
    )
    drops = np.zeros((len(rows), len(columns)))
    for i, row in enumerate(rows):
        for j, column in enumerate(columns):
            saved = image[row : row + patch, column : column + patch].copy()
            image[row : row + patch, column : column + patch] = 0  # changes the caller's image
            drops[i, j] = probs[label] - predict(image[None])[0, label]
            image[row : row + patch, column : column + patch] = saved
    image[0, 0] += 1  # and forgets to put one pixel back
    return drops


RIGHT_OCCLUSIONS = {
    "reference": interpretation.occlusion_map_naive,
    "loop by loop": occlusion_variant(),
    "one batch, in float32": occlusion_batched,
    "returns a list": lambda *args: occlusion_variant()(*args).tolist(),
}

# name: (the wrong answer, a phrase of what the checker prints)
WRONG_OCCLUSIONS = {
    "sign flipped": (occlusion_variant(sign=-1), "the sign is flipped"),
    "last rows and columns skipped": (
        occlusion_variant(last=False),
        "the last rows or columns are never hidden",
    ),
    "filled with the mean": (occlusion_variant(fill="mean"), "filled with the image's mean"),
    "transposed": (
        occlusion_variant(transpose=True),
        "expected an output of shape (4, 3), got shape (3, 4): the map is transposed",
    ),
    "occluded probabilities": (
        lambda *args: np.max(args[0](args[1][None])) - occlusion_variant()(*args),
        "these are the probabilities of the occluded images",
    ),
    "only the first channel hidden": (
        occlusion_variant(channel=0),
        "only the first channel is hidden",
    ),
    "the class of each occluded image": (
        occlusion_variant(own=True),
        "the class changes from square to square",
    ),
    "filled with 1": (occlusion_variant(fill=1.0), "the values differ"),
    "one image at a time": (
        lambda predict, image, patch, stride: predict(image),
        "predict takes a batch of images",
    ),
    "changes its input": (occlusion_in_place, "changed its input array in place"),
    "wrong shape": (lambda *args: np.zeros((2, 2)), "expected an output of shape (4, 3)"),
    "returns nothing": (lambda *args: None, "did you forget `return`"),
    "raises": (lambda *args: 1 / 0, "your function raised ZeroDivisionError"),
    "an unconvertible object": (lambda *args: Unreadable(), "cannot be read as an array"),
}


@pytest.mark.parametrize("name", RIGHT_OCCLUSIONS)
def test_occlusion_checker_accepts_right_answers(name, capsys):
    assert exercises.check_occlusion(RIGHT_OCCLUSIONS[name]) is True
    assert capsys.readouterr().out.startswith(f"✓ {title('occlusion')}: correct on all 10 cases")


def test_occlusion_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("occlusion")
    namespace = {"np": np}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_occlusion(namespace["my_occlusion"]) is True


@pytest.mark.parametrize("name", WRONG_OCCLUSIONS)
def test_occlusion_checker_rejects_and_names_each_mistake(name, capsys):
    answer, phrase = WRONG_OCCLUSIONS[name]
    assert exercises.check_occlusion(answer) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {title('occlusion')}: on ")
    assert phrase in out
    assert "exercises.hint('occlusion')" in out


def test_occlusion_checker_reports_a_stub_and_a_non_function(capsys):
    assert exercises.check_occlusion(stub) is False
    assert capsys.readouterr().out.startswith(f"○ {title('occlusion')}: not attempted")
    assert exercises.check_occlusion(np.zeros(3)) is False
    assert "expected a function" in capsys.readouterr().out


def test_occlusion_cases_are_thorough():
    cases = checkers._occlusion_cases()
    shapes = [case.args[1].shape for case in cases]
    assert any(height != width for height, width, _ in shapes)  # non-square
    assert any(height % 2 and width % 2 for height, width, _ in shapes)  # odd sizes
    assert {channels for _, _, channels in shapes} == {1, 2, 3}
    scales = [np.abs(case.args[1].astype(float)).max() for case in cases]
    assert min(scales) < 0.01 and max(scales) > 200  # pixels of 0.001 and of 255
    assert any(case.args[1].min() < 0 for case in cases)
    assert any(case.args[1].dtype == np.uint8 for case in cases)
    # Cases where the steps miss the last rows, and cases where they do not.
    missed = [
        (height - patch) % stride != 0
        for (height, _, _), (_, _, patch, stride) in zip(shapes, (c.args for c in cases))
    ]
    assert any(missed) and not all(missed)
    for case in cases:
        predict, image, patch, stride = case.args
        expected, mistakes = case.expected
        np.testing.assert_allclose(
            expected, occlusion_variant()(predict, image, patch, stride), atol=1e-12
        )
        assert len(mistakes) == 7


def grad_cam_variant(axis=(0, 1), reduce="mean", after=None, before=None):
    def weights(gradients):
        gradients = np.asarray(gradients, dtype=float)
        if before is not None:
            gradients = before(gradients)
        result = getattr(gradients, reduce)(axis=axis)
        return result if after is None else after(result)

    return weights


RIGHT_WEIGHTS = {
    "mean over the pixels": grad_cam_variant(),
    "sum divided by the pixel count": lambda g: g.sum(axis=(0, 1)) / (g.shape[0] * g.shape[1]),
    "loop over the channels": lambda g: np.array([g[:, :, k].mean() for k in range(g.shape[2])]),
    "in float32": lambda g: np.asarray(g, dtype=np.float32).mean(axis=(0, 1)),
    "returns a list": lambda g: g.mean(axis=(0, 1)).tolist(),
}

WRONG_WEIGHTS = {
    "sum instead of mean": (grad_cam_variant(reduce="sum"), "this is the sum over the pixels"),
    "mean over the channels": (
        grad_cam_variant(axis=-1),
        "this is a mean over the channels",
    ),
    "ReLU on the weights": (
        grad_cam_variant(after=lambda w: np.maximum(w, 0)),
        "the weights went through a ReLU",
    ),
    "absolute value": (grad_cam_variant(after=np.abs), "these are absolute values"),
    "mean of absolute gradients": (
        grad_cam_variant(before=np.abs),
        "the mean of the absolute gradients",
    ),
    "height only": (grad_cam_variant(axis=0), "this averages over the height only"),
    "width only": (grad_cam_variant(axis=1), "this averages over the width only"),
    "largest gradient": (grad_cam_variant(reduce="max"), "the largest gradient of each map"),
    "one mean of everything": (grad_cam_variant(axis=None), "one mean of everything"),
    "mean over the first two channels": (
        lambda g: g[:, :, :2].mean(axis=(0, 1)),
        "expected an output of shape (3,), got shape (2,)",
    ),
    "changes its input": (
        lambda g: np.maximum(g, 0, out=g).mean(axis=(0, 1)),
        "changed its input array in place",
    ),
    "returns nothing": (lambda g: None, "did you forget `return`"),
    "raises": (lambda g: g.mean(axis=3), "your function raised AxisError"),
    "an unconvertible object": (lambda g: Unreadable(), "cannot be read as an array"),
    "a ragged list": (lambda g: [[1.0], [2.0, 3.0]], "cannot be read as an array"),
}


@pytest.mark.parametrize("name", RIGHT_WEIGHTS)
def test_grad_cam_weights_checker_accepts_right_answers(name, capsys):
    assert exercises.check_grad_cam_weights(RIGHT_WEIGHTS[name]) is True
    out = capsys.readouterr().out
    assert out.startswith(f"✓ {title('grad_cam_weights')}: correct on all 9 cases")


def test_grad_cam_weights_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("grad_cam_weights")
    namespace = {"np": np}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_grad_cam_weights(namespace["my_grad_cam_weights"]) is True


@pytest.mark.parametrize("name", WRONG_WEIGHTS)
def test_grad_cam_weights_checker_rejects_and_names_each_mistake(name, capsys):
    answer, phrase = WRONG_WEIGHTS[name]
    assert exercises.check_grad_cam_weights(answer) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {title('grad_cam_weights')}: on ")
    assert phrase in out
    assert "exercises.hint('grad_cam_weights')" in out


def test_grad_cam_weights_checker_reports_a_stub_and_a_non_function(capsys):
    assert exercises.check_grad_cam_weights(stub) is False
    assert capsys.readouterr().out.startswith(f"○ {title('grad_cam_weights')}: not attempted")
    assert exercises.check_grad_cam_weights("mean") is False
    assert "expected a function" in capsys.readouterr().out


def test_grad_cam_cases_are_thorough():
    cases = checkers._grad_cam_cases()
    shapes = [case.args[0].shape for case in cases]
    assert (1, 1, 4) in shapes and any(channels == 1 for _, _, channels in shapes)
    assert any(height != width and height % 2 and width % 2 for height, width, _ in shapes)
    assert any(case.args[0].dtype.kind == "i" for case in cases)
    scales = [np.abs(case.args[0]).max() for case in cases]
    assert min(scales) < 0.01 and max(scales) > 900
    for case in cases:
        expected, mistakes = case.expected
        assert (expected < 0).any() and len(mistakes) == 9  # negative weights in every case
        np.testing.assert_allclose(expected, case.args[0].mean(axis=(0, 1)), rtol=1e-12)
    assert any((expected > 0).any() for expected, _ in (case.expected for case in cases))
    assert any((expected < 0).all() for expected, _ in (case.expected for case in cases))


def test_hints_exist_for_both(capsys):
    exercises.hint("occlusion")
    assert "height - patch" in capsys.readouterr().out
    exercises.hint("grad_cam_weights")
    assert "axes 0 and 1" in capsys.readouterr().out
