"""course_utils.vae.sampling: the ELBO estimate, encoding, decoding, samples and interpolation."""

import keras
import numpy as np
import pytest
import scipy.special

from course_utils import vae

RNG = np.random.default_rng(0)


def test_evaluate_elbo_equals_a_hand_computation():
    model = vae.build_vae(3, seed=0)
    images = vae.binarize(RNG.random((5, 28, 28)))[..., None]
    got = vae.evaluate_elbo(model, images, draws=1, seed=11)
    mean, log_var = (
        keras.ops.convert_to_numpy(t).astype(np.float64) for t in model.encoder(images)
    )
    epsilon = np.random.default_rng(11).standard_normal(mean.shape)
    z = (mean + np.exp(log_var / 2) * epsilon).astype("float32")
    logits_model = keras.Model(model.decoder.input, model.decoder.get_layer("logits").output)
    logits = keras.ops.convert_to_numpy(logits_model(z)).astype(np.float64)
    p = scipy.special.expit(logits)
    log_likelihood = (images * np.log(p) + (1 - images) * np.log(1 - p)).reshape(5, -1).sum(1)
    kl = np.sum(-log_var / 2 + (np.exp(log_var) + mean**2) / 2 - 0.5, axis=1)
    assert got == pytest.approx(np.mean(log_likelihood - kl), rel=1e-5)
    assert got == pytest.approx(vae.evaluate_elbo(model, images[..., 0], draws=1, seed=11))


def test_evaluate_elbo_is_stable_across_noise_seeds(tiny_images):
    images, _ = tiny_images
    model = vae.build_vae(4, seed=0)
    model.fit(images, epochs=2, batch_size=16, verbose=0)
    values = [vae.evaluate_elbo(model, images, draws=4, seed=seed) for seed in range(3)]
    assert max(values) - min(values) < 0.01 * abs(np.mean(values))  # a few nats of ~500
    assert vae.evaluate_elbo(model, images, seed=0) == vae.evaluate_elbo(model, images, seed=0)


@pytest.mark.parametrize(
    "images, kwargs, match",
    [
        (np.full((2, 28, 28, 1), 255.0), {}, r"\[0, 1\].*binarize"),
        (np.zeros((2, 28, 28, 1), dtype=np.uint8) + 7, {}, r"\[0, 1\]"),
        (np.zeros((2, 14, 14, 1)), {}, r"shape \(n, 28, 28, 1\)"),
        (np.zeros((0, 28, 28, 1)), {}, "n >= 1"),
        (np.zeros((2, 28, 28, 1)), {"draws": 0}, "`draws` must be a positive integer"),
        (np.zeros((2, 28, 28, 1)), {"batch_size": -1}, "`batch_size`"),
    ],
)
def test_evaluate_elbo_rejects_bad_input(images, kwargs, match):
    model = vae.build_vae(2)
    with pytest.raises(ValueError, match=match):
        vae.evaluate_elbo(model, images, **kwargs)


def test_evaluate_elbo_needs_a_vae():
    with pytest.raises(ValueError, match=r"must be a VAE.*VAE\(encoder, decoder\)"):
        vae.evaluate_elbo(vae.build_encoder(2), np.zeros((1, 28, 28, 1)))


def test_sample_decode_and_interpolate():
    model = vae.build_vae(2, seed=0)
    samples = vae.sample_images(model, 5, seed=3)
    assert samples.shape == (5, 28, 28, 1) and 0 < samples.min() and samples.max() < 1
    np.testing.assert_array_equal(samples, vae.sample_images(model.decoder, 5, seed=3))
    z = np.random.default_rng(3).standard_normal((5, 2))
    np.testing.assert_allclose(samples, vae.decode(model, z), atol=1e-7)
    a, b = vae.binarize(RNG.random((2, 28, 28, 1)))
    path = vae.interpolate(model, a, b[..., 0], steps=4)
    ends = vae.decode(model, vae.encode(model, np.stack([a, b])))
    np.testing.assert_allclose(path[[0, -1]], ends, atol=1e-6)
    with pytest.raises(ValueError, match="at least 2"):
        vae.interpolate(model, a, b, steps=1)
    with pytest.raises(ValueError, match=r"`image_a` must be one image.*images\[i\]"):
        vae.interpolate(model, np.zeros((2, 28, 28)), b)
    with pytest.raises(ValueError, match=r"shape \(n, 2\) for this decoder"):
        vae.decode(model, np.zeros((3, 5)))
    with pytest.raises(ValueError, match="`count` must be a positive integer"):
        vae.sample_images(model, 0)


def test_reconstruct_decodes_the_mean_or_runs_the_autoencoder():
    images = vae.binarize(RNG.random((6, 28, 28, 1)))
    model = vae.build_vae(3, seed=0)
    mean, _ = (keras.ops.convert_to_numpy(t) for t in model.encoder(images))
    expected = keras.ops.convert_to_numpy(model.decoder(mean))
    np.testing.assert_allclose(vae.reconstruct(model, images), expected, atol=1e-6)
    np.testing.assert_allclose(vae.reconstruct(model, images[..., 0]), expected, atol=1e-6)
    autoencoder = vae.build_autoencoder(2)
    got = vae.reconstruct(autoencoder, images, batch_size=4)
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(autoencoder(images)), atol=1e-6)
    assert got.shape == (6, 28, 28, 1) and got.dtype == np.float32
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vae.reconstruct(model, images * 255)


def _overlap_by_sets(image, rebuilt, threshold):
    """The reference: the IoU of two sets of (row, column) positions."""
    on = {index for index, value in np.ndenumerate(image) if value > threshold}
    drawn = {index for index, value in np.ndenumerate(rebuilt) if value > threshold}
    return 1.0 if not on | drawn else len(on & drawn) / len(on | drawn)


@pytest.mark.parametrize("threshold", [0.5, 0.2])
def test_ink_overlap_equals_the_iou_of_the_sets_of_pixels_on(threshold):
    images = vae.binarize(RNG.random((5, 28, 28)) ** 3)  # about a tenth of the pixels on
    rebuilt = np.clip(images * 0.45 + RNG.random((5, 28, 28)) * 0.7, 0, 1)  # ink missed, added
    rebuilt[3] = images[3]  # a perfect copy
    rebuilt[4] = 1 - images[4]  # no common pixel
    got = vae.ink_overlap(images[..., None], rebuilt[..., None], threshold=threshold)
    expected = [_overlap_by_sets(a, b, threshold) for a, b in zip(images, rebuilt)]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got[3] == 1.0 and got[4] == 0.0 and 0 < got[:3].min() < got[:3].max() < 1
    blank = np.zeros((2, 28, 28))
    np.testing.assert_array_equal(vae.ink_overlap(blank, blank), [1.0, 1.0])


@pytest.mark.parametrize(
    "images, rebuilt, kwargs, match",
    [
        (np.zeros((2, 28, 28)), np.zeros((3, 28, 28)), {}, "same shape"),
        (np.zeros((0, 28, 28)), np.zeros((0, 28, 28)), {}, "n >= 1"),
        (np.zeros((2, 28, 28)), np.full((2, 28, 28), 2.0), {}, r"`rebuilt`.*\[0, 1\]"),
        (np.zeros((2, 28, 28)), np.zeros((2, 28, 28)), {"threshold": 1}, "strictly between"),
        (np.zeros((2, 28, 28)), np.zeros((2, 28, 28)), {"threshold": "half"}, "threshold"),
    ],
)
def test_ink_overlap_rejects_bad_input(images, rebuilt, kwargs, match):
    with pytest.raises(ValueError, match=match):
        vae.ink_overlap(images, rebuilt, **kwargs)


def test_grey_share_counts_the_pixels_strictly_between_0_2_and_0_8():
    images = np.array([0.0, 0.2, 0.21, 0.5, 0.79, 0.8, 1.0, 0.6]).reshape(1, 2, 4, 1)
    assert vae.grey_share(images) == 4 / 8
    assert vae.grey_share(np.zeros((3, 28, 28, 1))) == 0.0
