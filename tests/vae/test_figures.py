"""course_utils.vae.figures: the ELBO curves, the latent space, the manifold, reconstructions."""

import numpy as np
import pytest
import scipy.stats

from course_utils import vae

RNG = np.random.default_rng(0)


def test_plot_elbo_history():
    fig = vae.plot_elbo_history(
        {"loss": [200, 150], "reconstruction": [190, 130], "kl": [10, 20], "val_kl": [11, 19]}
    )
    assert [ax.get_ylabel() for ax in fig.axes] == ["nats per image"] * 3
    kl_lines = fig.axes[2].get_lines()
    assert [list(line.get_ydata()) for line in kl_lines] == [[10, 20], [11, 19]]
    with pytest.raises(ValueError, match=r"'loss', 'reconstruction' and 'kl'.*\['loss'\]"):
        vae.plot_elbo_history({"loss": [1.0]})


def test_plot_latent_space_for_two_and_more_dimensions():
    images = vae.binarize(RNG.random((12, 28, 28, 1)))
    labels = np.arange(12) % 10
    fig = vae.plot_latent_space(vae.build_encoder(2), images, labels)
    assert fig.axes[0].get_xlabel() == "z1"
    fig = vae.plot_latent_space(vae.build_encoder(5), images, labels)
    assert fig.axes[0].get_xlabel() == "principal axis 1 of z"
    with pytest.raises(ValueError, match="one integer class per image"):
        vae.plot_latent_space(vae.build_encoder(2), images, labels[:3])


def test_plot_latent_space_shows_the_codes():
    encoder = vae.build_encoder(2)
    images = vae.binarize(RNG.random((6, 28, 28, 1)))
    fig = vae.plot_latent_space(encoder, images, np.arange(6))
    np.testing.assert_allclose(
        fig.axes[0].collections[0].get_offsets(), vae.encode(encoder, images), atol=1e-6
    )


def test_plot_manifold_covers_the_prior_quantiles():
    decoder = vae.build_decoder(2)
    fig = vae.plot_manifold(decoder, grid_size=4)
    picture = fig.axes[0].get_images()[0].get_array()
    assert picture.shape == (4 * 28, 4 * 28)
    quantiles = scipy.stats.norm.ppf([0.05, 0.35, 0.65, 0.95])
    top_left = vae.decode(decoder, np.array([[quantiles[0], quantiles[-1]]]))[0, :, :, 0]
    np.testing.assert_allclose(picture[:28, :28], top_left, atol=1e-6)
    with pytest.raises(ValueError, match="2-dimensional latent space; this decoder takes 3"):
        vae.plot_manifold(vae.build_decoder(3))
    with pytest.raises(ValueError, match="at least 2"):
        vae.plot_manifold(decoder, grid_size=1)


def test_plot_reconstructions_for_vae_and_autoencoder():
    images = vae.binarize(RNG.random((5, 28, 28, 1)))
    fig = vae.plot_reconstructions(vae.build_vae(2), images, count=3)
    assert len(fig.axes) == 6
    assert [ax.get_ylabel() for ax in fig.axes] == ["input", "", "", "rebuilt", "", ""]
    shown = np.stack([ax.get_images()[0].get_array() for ax in fig.axes[:3]])
    np.testing.assert_array_equal(shown, images[:3, ..., 0])
    fig = vae.plot_reconstructions(vae.build_autoencoder(2), images, count=2)
    assert len(fig.axes) == 4
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vae.plot_reconstructions(vae.build_vae(2), images * 255)
