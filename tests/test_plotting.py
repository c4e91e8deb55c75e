import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("shape", [(5, 28, 28), (5, 28, 28, 1), (5, 8, 6, 3)])
def test_show_images_draws_one_panel_per_image(shape):
    images = np.random.default_rng(0).random(shape)
    fig = plotting.show_images(images, labels=list("abcde"), ncols=3, title="grid")
    assert len(fig.axes) == 5
    assert [ax.get_title() for ax in fig.axes] == list("abcde")
    assert fig._suptitle.get_text() == "grid"
    np.testing.assert_allclose(fig.axes[1].images[0].get_array(), images[1].squeeze())


def test_show_images_uses_class_names_and_the_uint8_range():
    images = np.zeros((2, 4, 4), np.uint8)
    fig = plotting.show_images(
        images, labels=[1, 9], class_names=["a", "Trouser"] + list("xyzuvwxB")
    )
    assert [ax.get_title() for ax in fig.axes] == ["Trouser", "B"]
    assert fig.axes[0].images[0].get_clim() == (0, 255)


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (np.zeros((28, 28)), None, r"received shape \(28, 28\). For one image use images\[None\]"),
        (np.zeros((0, 28, 28)), None, r"non-empty batch"),
        (np.zeros((2, 5, 5, 2)), None, r"received shape \(2, 5, 5, 2\)"),
        (np.zeros((3, 5, 5)), [1, 2], r"`labels` has 2 entries but there are 3 images"),
    ],
)
def test_show_images_rejects_bad_input(images, labels, message):
    with pytest.raises(ValueError, match=message):
        plotting.show_images(images, labels)


def test_show_images_colorbar_puts_signed_maps_on_one_symmetric_scale():
    images = np.array([[[-3.0, 1.0], [0.5, 0.0]], [[0.2, -0.1], [2.0, 0.0]]])
    fig = plotting.show_images(images, colorbar=True)
    assert len(fig.axes) == 3  # two panels and the bar
    assert [ax.images[0].get_clim() for ax in fig.axes[:2]] == [(-3.0, 3.0)] * 2
    bar = fig.axes[2]
    assert bar.get_ylim() == (-3.0, 3.0)


def test_show_images_colorbar_starts_at_zero_for_non_negative_maps_and_keeps_given_limits():
    images = np.random.default_rng(1).random((3, 5, 5)) * 7
    assert plotting.show_images(images, colorbar=True).axes[0].images[0].get_clim() == (
        0.0,
        pytest.approx(images.max()),
    )
    fig = plotting.show_images(images, colorbar=True, vmin=-1, vmax=1)
    assert fig.axes[1].images[0].get_clim() == (-1, 1)


def test_show_images_colorbar_refuses_colour_images():
    with pytest.raises(ValueError, match=r"single-channel images.*\(2, 4, 4, 3\)"):
        plotting.show_images(np.zeros((2, 4, 4, 3)), colorbar=True)


def test_plot_history_draws_training_and_validation_curves():
    history = {"loss": [0.9, 0.5, 0.3], "accuracy": [0.7, 0.8, 0.9], "val_loss": [1.0, 0.7, 0.6]}
    fig = plotting.plot_history(history, title="curves")
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    loss_lines = fig.axes[0].get_lines()
    assert len(loss_lines) == 2 and len(fig.axes[1].get_lines()) == 1
    np.testing.assert_allclose(loss_lines[1].get_ydata(), [1.0, 0.7, 0.6])
    np.testing.assert_allclose(loss_lines[0].get_xdata(), [1, 2, 3])


def test_plot_history_accepts_a_keras_history_object():
    class History:
        history = {"loss": [1.0, 0.5]}

    assert len(plotting.plot_history(History()).axes) == 1


@pytest.mark.parametrize(
    ("history", "metrics", "message"),
    [({}, None, "at least one metric"), ({"loss": [1]}, ["accuracy"], r"has no \['accuracy'\]")],
)
def test_plot_history_rejects_bad_input(history, metrics, message):
    with pytest.raises(ValueError, match=message):
        plotting.plot_history(history, metrics=metrics)
