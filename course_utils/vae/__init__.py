"""Variational autoencoders: an encoder, a decoder and the evidence lower bound.

    from course_utils import vae
    train_images, _ = vae.load_binarized_mnist("train")   # pixels 0 or 1
    model = vae.build_vae(latent_dim=16)                  # compiled, ready for fit()
    model.fit(train_images, epochs=10, batch_size=128)
    vae.evaluate_elbo(model, test_images)                 # nats per image, e.g. -82.0

The encoder maps an image x to the mean and log-variance of a Gaussian
q(z | x); the sampling layer draws z = mean + exp(log_var / 2) * epsilon (the
reparameterization trick); the decoder maps z to a probability for every pixel.
Training maximizes the evidence lower bound (ELBO) on log p(x):

    ELBO(x) = E_q[log p(x | z)] - KL(q(z | x) || N(0, I))

`VAE` reports both terms as metrics in nats per image: `reconstruction`
(the expected negative log-likelihood) and `kl`; its `loss` is their sum,
the negative ELBO.

What lives where (every name below is also available as `vae.<name>`):

- `data`: `binarize`, `load_binarized_mnist`, `IMAGE_SHAPE`, `BINARIZE_THRESHOLD`.
- `losses`: `kl_divergence` and `reconstruction_loss` in `keras.ops` (the model
  trains with them; notebook 07 writes them in its cells), `reparameterize` (NumPy).
- `layers`: `Sampling`, the reparameterization trick as a Keras layer.
- `models`: `build_encoder`, `build_decoder`, `VAE` (notebook 07 writes them in
  its cells), `build_autoencoder`, `build_vae`.
- `sampling`: `evaluate_elbo`, `encode`, `decode`, `reconstruct`,
  `ink_overlap`, `sample_images`, `interpolate`.
- `figures`: `plot_elbo_history`, `plot_latent_space`, `plot_manifold`,
  `plot_reconstructions`.
- `training`: `vae_paths`, `save_vae`, `load_or_train_vae`: notebook 07 saves
  its trained models as `build/models/vae_latent<d>_encoder.keras` and
  `..._decoder.keras`; notebook 08 gets them back with `load_or_train_vae`.
- `_checks`: the argument checks the modules above share.

Comparing the VAE with the GAN (samples side by side, the comparison table)
is notebook 08's topic: see `course_utils.evaluation`.
"""

from course_utils.vae.data import BINARIZE_THRESHOLD, IMAGE_SHAPE, binarize, load_binarized_mnist
from course_utils.vae.figures import (
    plot_elbo_history,
    plot_latent_space,
    plot_manifold,
    plot_reconstructions,
)
from course_utils.vae.layers import Sampling
from course_utils.vae.losses import kl_divergence, reconstruction_loss, reparameterize
from course_utils.vae.models import VAE, build_autoencoder, build_decoder, build_encoder, build_vae
from course_utils.vae.sampling import (
    decode,
    encode,
    evaluate_elbo,
    grey_share,
    ink_overlap,
    interpolate,
    reconstruct,
    sample_images,
)
from course_utils.vae.training import load_or_train_vae, save_vae, vae_paths

__all__ = [
    "BINARIZE_THRESHOLD",
    "IMAGE_SHAPE",
    "VAE",
    "Sampling",
    "binarize",
    "build_autoencoder",
    "build_decoder",
    "build_encoder",
    "build_vae",
    "decode",
    "encode",
    "evaluate_elbo",
    "grey_share",
    "ink_overlap",
    "interpolate",
    "kl_divergence",
    "load_binarized_mnist",
    "load_or_train_vae",
    "plot_elbo_history",
    "plot_latent_space",
    "plot_manifold",
    "plot_reconstructions",
    "reconstruct",
    "reconstruction_loss",
    "reparameterize",
    "sample_images",
    "save_vae",
    "vae_paths",
]
