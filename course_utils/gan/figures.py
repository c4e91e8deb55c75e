"""Figures of the GAN chapter: the two generator losses, the game, the samples.

    plot_generator_losses()                          # why G uses the non-saturating loss
    plot_game(curves)                                # a `GameCurves` after fit()
    plot_sample_evolution(grid.grids, labels=grid.labels)   # a `SampleGrid` after fit()

Each returns its matplotlib Figure.
"""

import matplotlib.pyplot as plt
import numpy as np

from course_utils.gan.callbacks import GameCurves


def plot_generator_losses():
    """Draws the two generator losses, and how hard each pushes, against D(G(z)).

    Left: the minimax game's (saturating) loss `ln(1 - D(G(z)))` and the
    non-saturating `-ln D(G(z))`, both minimized by the generator. Right: the
    size of their gradient with respect to the discriminator's logit `a`
    (`D = sigmoid(a)`), which is what reaches the generator's weights:
    `D(G(z))` for the saturating loss and `1 - D(G(z))` for the non-saturating
    one. Where D confidently rejects the fakes (`D(G(z))` near 0), the first
    is nearly 0 and the second nearly 1.

    Returns:
        The matplotlib Figure.

    >>> [ax.get_xlabel() for ax in plot_generator_losses().axes]
    ['D(G(z)): how real D finds a fake', 'D(G(z)): how real D finds a fake']
    """
    scores = np.linspace(0.001, 0.999, 500)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.plot(scores, np.log(1 - scores), label="saturating: ln(1 - D(G(z)))")
    left.plot(scores, -np.log(scores), label="non-saturating: -ln D(G(z))")
    left.set_ylabel("generator loss (minimized)")
    left.set_title("the two losses")
    right.semilogy(scores, scores, label="saturating: D(G(z))")
    right.semilogy(scores, 1 - scores, label="non-saturating: 1 - D(G(z))")
    right.set_ylabel("|gradient| at D's logit")
    right.set_title("how hard each loss pushes the generator")
    for ax in (left, right):
        ax.axvspan(0, 0.1, color="grey", alpha=0.15, label="where D rejects the fakes")
        ax.set_xlabel("D(G(z)): how real D finds a fake")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_game(curves, title=None):
    """Draws a GAN's game as it was played: losses and D's scores against the step.

    Left: `d_loss` with its value when D cannot tell (2 ln 2) and `g_loss`
    with its value when D says 1/2 (ln 2). Right: D's mean score of real
    images, D(x), and of generated ones, D(G(z)), with the line at 1/2.

    Args:
        curves: a `GameCurves` callback after training (or its `.steps` and
            `.curves` as a tuple).
        title: optional title.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if nothing was recorded (training shorter than `every` steps).
    """
    steps, values = (
        (curves.steps, curves.curves) if isinstance(curves, GameCurves) else tuple(curves)
    )
    if not len(steps) or any(len(values.get(name, ())) != len(steps) for name in GameCurves.NAMES):
        raise ValueError(
            "`curves` holds no recorded windows; train for at least `every` steps with the "
            "GameCurves callback (e.g. GameCurves(every=50)) and pass it after fit()."
        )
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
    left.plot(steps, values["d_loss"], label="D's loss L_D")
    left.plot(steps, values["g_loss"], label="G's loss L_G")
    left.axhline(2 * np.log(2), color="C0", ls=":", lw=1, label="L_D when D cannot tell (2 ln 2)")
    left.axhline(np.log(2), color="C1", ls=":", lw=1, label="L_G when D says 1/2 (ln 2)")
    left.set_ylabel("loss (mean over the window)")
    left.set_title("the two losses")
    right.plot(steps, values["D(x)"], label="D(x): real images", color="C2")
    right.plot(steps, values["D(G(z))"], label="D(G(z)): generated images", color="C3")
    right.axhline(0.5, color="grey", ls=":", lw=1, label="1/2: D cannot tell")
    right.set_ylim(0, 1)
    right.set_ylabel("D's mean score")
    right.set_title("what D thinks of each")
    for ax in (left, right):
        ax.set_xlabel("training step")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_sample_evolution(grids, epochs=None, title=None, labels=None):
    """Shows the fixed-noise samples of `SampleGrid`: one row per grid.

    Args:
        grids: list of image arrays of equal shape `(count, height, width, 1)`,
            e.g. `SampleGrid.grids`.
        epochs: the epoch of each row (0 for the start), e.g. `SampleGrid.epochs`.
        title: optional title.
        labels: or the label of each row, e.g. `SampleGrid.labels`.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `grids` is empty, its arrays differ in shape, or the
            epochs or labels are not one per grid.
    """
    arrays = [np.asarray(grid) for grid in grids] if grids is not None else []
    if not arrays or any(a.shape != arrays[0].shape or a.ndim != 4 for a in arrays):
        raise ValueError(
            "`grids` must be a non-empty list of image batches of one shape (count, height, "
            "width, 1), such as SampleGrid.grids; received "
            f"{[a.shape for a in arrays] if arrays else grids!r}."
        )
    if labels is None:
        epochs = list(range(len(arrays))) if epochs is None else list(epochs)
        labels = ["start" if epoch == 0 else f"epoch {epoch}" for epoch in epochs]
        what = "epochs"
    else:
        labels, what = [str(label) for label in labels], "labels"
    if len(labels) != len(arrays):
        raise ValueError(
            f"`{what}` has {len(labels)} entries for {len(arrays)} grids; pass one per grid, "
            "e.g. labels=SampleGrid.labels."
        )
    rows, count = len(arrays), len(arrays[0])
    fig, axes = plt.subplots(
        rows, count, figsize=(0.9 * count + 1.3, 0.9 * rows + 0.5), squeeze=False
    )
    for row, (grid, label) in enumerate(zip(arrays, labels)):
        for col in range(count):
            ax = axes[row, col]
            ax.imshow(grid[col, ..., 0], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if col == 0:
                ax.set_ylabel(label, fontsize=9)
    fig.suptitle(title or "The same noise vectors z, decoded as training goes on")
    fig.tight_layout()
    return fig
