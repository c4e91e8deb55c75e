"""Pictures of a VAE: its training curves, its latent space, its decoder and its rebuilt images.

    plot_elbo_history(vae.fit(...))                    # -ELBO, reconstruction and KL per epoch
    plot_latent_space(vae, test_images, test_labels)   # the codes, one colour per digit
    plot_manifold(vae2)                                # decoder(z) on a grid (latent 2)
    plot_reconstructions(vae, test_images)             # inputs above, rebuilt below

Each returns the matplotlib Figure.
"""

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks, plotting
from course_utils.vae import _checks
from course_utils.vae.sampling import decode, encode, reconstruct


def plot_elbo_history(history, title=None):
    """Plots the negative ELBO and its two terms per epoch, in nats per image.

    Args:
        history: the `History` that `VAE.fit` returns, or its `.history` dict,
            with `loss`, `reconstruction` and `kl` (and `val_` curves if any).
        title: optional title of the figure.

    Returns:
        The matplotlib Figure: three panels, -ELBO = reconstruction + KL.

    Raises:
        ValueError: if the history lacks `loss`, `reconstruction` or `kl`.

    >>> fig = plot_elbo_history({"loss": [200.0, 150.0], "reconstruction": [190.0, 130.0],
    ...                          "kl": [10.0, 20.0]})
    >>> [ax.get_title() for ax in fig.axes]
    ['-ELBO (loss)', 'reconstruction: -log p(x|z)', 'KL(q(z|x) || N(0, I))']
    """
    logs = getattr(history, "history", history)
    names = ["loss", "reconstruction", "kl"]
    if not isinstance(logs, dict) or any(name not in logs for name in names):
        raise ValueError(
            "`history` must be what VAE.fit returns (or its .history dict), with 'loss', "
            f"'reconstruction' and 'kl'; received {sorted(logs) if isinstance(logs, dict) else type(logs).__name__}."
        )
    fig = plotting.plot_history(logs, metrics=names, title=title)
    titles = ["-ELBO (loss)", "reconstruction: -log p(x|z)", "KL(q(z|x) || N(0, I))"]
    for ax, text in zip(fig.axes, titles):
        ax.set_title(text)
        ax.set_ylabel("nats per image")
    fig.tight_layout()
    return fig


def plot_latent_space(encoder, images, labels, title=None, size=5.5):
    """Scatters the codes (encoder means) of images, one colour per digit.

    For a 2-dimensional latent space the axes are z1 and z2; for more
    dimensions the codes are projected on their first two principal axes.
    Circles of radius 1 and 2 mark where the prior N(0, I) puts most of its mass.

    Args:
        encoder: a model images -> `[mean, log_var]`, a `VAE`, or an
            autoencoder's encoder.
        images: array `(n, 28, 28, 1)` or `(n, 28, 28)` in [0, 1].
        labels: integer array `(n,)` of the digits, for the colours.
        title: optional title.
        size: width and height of the figure in inches.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `labels` does not hold one integer per image.

    >>> from course_utils.vae import build_encoder
    >>> fig = plot_latent_space(build_encoder(2), np.zeros((4, 28, 28)), np.arange(4))
    >>> fig.axes[0].get_xlabel()
    'z1'
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or len(labels) != len(np.asarray(images)):
        raise ValueError(
            "`labels` must hold one integer class per image; received dtype "
            f"{labels.dtype} and shape {labels.shape} for {len(np.asarray(images))} images."
        )
    codes = encode(encoder, images).astype(np.float64)
    axis_names = ("z1", "z2")
    if codes.shape[1] > 2:
        centred = codes - codes.mean(axis=0)
        _, _, directions = np.linalg.svd(centred, full_matrices=False)
        codes = centred @ directions[:2].T
        axis_names = ("principal axis 1 of z", "principal axis 2 of z")
    elif codes.shape[1] == 1:
        codes = np.column_stack([codes[:, 0], np.zeros(len(codes))])
    fig, ax = plt.subplots(figsize=(size + 1.0, size))
    picture = ax.scatter(
        codes[:, 0], codes[:, 1], c=labels, cmap="tab10", vmin=-0.5, vmax=9.5, s=4, alpha=0.7
    )
    for radius in (1, 2):
        ax.add_patch(plt.Circle((0, 0), radius, fill=False, ls="--", lw=1, color="black"))
    ax.set_xlabel(axis_names[0])
    ax.set_ylabel(axis_names[1])
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(alpha=0.3)
    bar = fig.colorbar(picture, ax=ax, ticks=range(10), label="digit")
    bar.ax.set_yticklabels([str(digit) for digit in range(10)])
    ax.set_title(title or "codes of the test images (dashed: radius 1 and 2 of N(0, I))")
    fig.tight_layout()
    return fig


def plot_manifold(decoder, grid_size=15, title=None):
    """Draws what a 2-dimensional latent space holds: decoded images on a grid of z.

    The grid points are the quantiles 5% ... 95% of N(0, 1) along each axis
    (as in Kingma and Welling's figure), so equal steps hold equal prior mass
    and the picture covers where the prior puts 90% of its mass per axis.

    Args:
        decoder: a decoder with a 2-dimensional input, or such a `VAE`.
        grid_size: images per side, at least 2.
        title: optional title.

    Returns:
        The matplotlib Figure: one image of `grid_size` x `grid_size` digits.

    Raises:
        ValueError: if the latent space is not 2-dimensional or `grid_size` < 2.

    >>> from course_utils.vae import build_decoder
    >>> fig = plot_manifold(build_decoder(2), grid_size=3)
    >>> fig.axes[0].get_xlabel()
    'z1'
    """
    from scipy.stats import norm

    decoder = getattr(decoder, "decoder", decoder)
    latent_dim = int(decoder.inputs[0].shape[-1])
    if latent_dim != 2:
        raise ValueError(
            f"plot_manifold needs a 2-dimensional latent space; this decoder takes "
            f"{latent_dim}. Use a model built with latent_dim=2, or show samples instead."
        )
    grid_size = checks.integer(grid_size, "grid_size", low=2, fix="E.g. grid_size=15.")
    values = norm.ppf(np.linspace(0.05, 0.95, grid_size))
    z1, z2 = np.meshgrid(values, values[::-1])  # z2 grows upwards, as on a plot
    images = decode(decoder, np.column_stack([z1.ravel(), z2.ravel()]))[..., 0]
    side = images.shape[1]
    canvas = (
        images.reshape(grid_size, grid_size, side, side)
        .transpose(0, 2, 1, 3)
        .reshape(grid_size * side, grid_size * side)
    )
    fig, ax = plt.subplots(figsize=(7.5, 7.5))
    ax.imshow(canvas, cmap="gray", vmin=0, vmax=1)
    centres = side * np.arange(grid_size) + side / 2 - 0.5
    last = grid_size - 1  # label symmetric pairs of cells: the ends, a quarter in, the middle
    show = sorted(
        {0, grid_size // 4, last - grid_size // 4, last, *([last // 2] * (grid_size % 2))}
    )
    ax.set_xticks(centres[show], [f"{values[i]:.2f}" for i in show])
    ax.set_yticks(centres[show], [f"{values[::-1][i]:.2f}" for i in show])
    ax.set_xlabel("z1")
    ax.set_ylabel("z2")
    ax.set_title(title or f"decoder(z) on a {grid_size}x{grid_size} grid of the prior's quantiles")
    fig.tight_layout()
    return fig


def plot_reconstructions(model, images, count=10, title=None):
    """Shows images (top row) and their reconstructions (bottom row).

    The reconstruction decodes the encoder's mean (no noise) and shows pixel
    probabilities: grey where the model is unsure whether a pixel is on.

    Args:
        model: a `VAE`, or an autoencoder (a model images -> images).
        images: array `(n, 28, 28, 1)` or `(n, 28, 28)` in [0, 1].
        count: how many of the images to show (the first `count`).
        title: optional title.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `images` leave [0, 1] or have the wrong shape.

    >>> from course_utils.vae import build_vae
    >>> fig = plot_reconstructions(build_vae(2), np.zeros((3, 28, 28)))
    >>> len(fig.axes), fig.axes[3].get_ylabel()
    (6, 'rebuilt')
    """
    count = checks.positive_int(count, "count")
    is_vae = hasattr(model, "encoder") and hasattr(model, "decoder")
    images = _checks.model_images(images, model.encoder if is_vae else model)[:count]
    rebuilt = reconstruct(model, images)
    count = len(images)
    fig, axes = plt.subplots(2, count, figsize=(1.4 * count + 0.6, 3.4), squeeze=False)
    for row, (batch, name) in enumerate(((images, "input"), (rebuilt, "rebuilt"))):
        for col in range(count):
            ax = axes[row, col]
            ax.imshow(batch[col, ..., 0], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(name)
    fig.suptitle(title or "inputs (top) and their reconstructions (bottom)")
    fig.tight_layout()
    return fig
