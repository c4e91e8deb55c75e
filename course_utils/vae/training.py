"""Keeping a trained VAE: notebook 07 saves it, notebook 08 loads it or trains a quick one.

    save_vae(vae16, test_elbo=-82.1, epochs=6)           # vae_latent16_{encoder,decoder}.keras
    vae16, note = load_or_train_vae(latent_dim=16)       # a compiled VAE and its note

The encoder and decoder are saved side by side with `saving.save` under the
name `vae_latent<d>` (parts `encoder` and `decoder`), with one JSON note of
how they were trained; a loaded pair is wrapped in a compiled `VAE` again.
"""

import time

import keras

from course_utils import checks, config, curriculum, saving
from course_utils.vae import _checks
from course_utils.vae.data import load_binarized_mnist
from course_utils.vae.models import VAE, build_vae
from course_utils.vae.sampling import evaluate_elbo

PARTS = ("encoder", "decoder")


def vae_paths(latent_dim):
    """Where notebook 07 saves a VAE: `build/models/vae_latent<d>_{encoder,decoder}.keras`.

    In the fast profile the files end in `.fast.<backend>.keras` (see `config.model_path`),
    so a quick run never replaces a model trained for real.

    Returns:
        `(encoder_path, decoder_path)`, two `pathlib.Path`.

    Raises:
        ValueError: if `latent_dim` is not a positive integer.
    """
    files = saving.paths(_name(latent_dim), PARTS)
    return tuple(files[part] for part in PARTS)


def save_vae(model, **facts):
    """Saves a trained VAE's encoder and decoder, with a JSON note of how it was trained.

    Args:
        model: a trained `VAE`.
        **facts: numbers worth keeping, e.g. `test_elbo=-82.1, epochs=10,
            train_seconds=300`.

    Returns:
        `(encoder_path, decoder_path)`; the note is `vae_latent<d>.json`
        beside them (see `saving.note_path`).

    Raises:
        ValueError: if `model` is not a VAE or a fact is not a number.
    """
    _checks.vae_parts(model)
    files = saving.save(
        _name(model.latent_dim),
        {"encoder": model.encoder, "decoder": model.decoder},
        PARTS,
        latent_dim=int(model.latent_dim),
        **facts,
    )
    return tuple(files[part] for part in PARTS)


def load_or_train_vae(latent_dim=16, epochs=1, train_limit=None, batch_size=128):
    """Loads the VAE notebook 07 saved, or trains a quick one and says so.

    The quick one is trained with every seed set to 0 and saved like notebook
    07's; the caller's random state is the same after the call as before.

    Args:
        latent_dim: which saved model, by its latent size.
        epochs: epochs of the quick training when no saved model exists.
        train_limit: binarized MNIST training images for the quick training;
            by default the current profile's `train_limit`.
        batch_size: images per batch of the quick training.

    Returns:
        `(model, note)`: a compiled `VAE` and the dict saved with it
        (`profile`, `latent_dim`, `test_elbo`, `epochs`, `train_seconds`, ...).

    Raises:
        ValueError: if `latent_dim` or `epochs` is not a positive integer.
    """
    latent_dim = _checks.latent_dim(latent_dim)
    epochs = checks.positive_int(epochs, "epochs")
    profile = config.profile()
    limit = profile.train_limit if train_limit is None else train_limit
    images = "all the training images" if limit is None else f"{limit:,} images"
    trained = {}

    def train():
        train_images, _ = load_binarized_mnist("train", limit=limit)
        test_images, _ = load_binarized_mnist("test", limit=profile.test_limit)
        model = build_vae(latent_dim)
        start = time.perf_counter()
        model.fit(train_images, epochs=epochs, batch_size=batch_size, verbose=0)
        seconds = time.perf_counter() - start
        elbo = evaluate_elbo(model, test_images)
        print(f"quick VAE: test ELBO {elbo:.1f} nats per image, trained in {seconds:.0f} s")
        trained["model"] = model
        facts = {
            "latent_dim": latent_dim,
            "test_elbo": elbo,
            "epochs": epochs,
            "train_images": len(train_images),
            "train_seconds": seconds,
        }
        return {"encoder": model.encoder, "decoder": model.decoder}, facts

    parts, note = saving.load_or_train(
        _name(latent_dim),
        train,
        what="VAE",
        plan=f"latent {latent_dim}, {epochs} epoch(s) on {images}; run "
        f"{curriculum.notebook('vae')} for the real one",
        parts=PARTS,
    )
    model = trained.get("model")
    if model is None:
        model = VAE(parts["encoder"], parts["decoder"], name="vae")
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
    return model, note


def _name(latent_dim):
    return f"vae_latent{_checks.latent_dim(latent_dim)}"
