"""Notebook 10: where a training step's time goes, in FLOPs and in seconds.

    flops = count_flops(model)                     # multiply-adds of one example, per layer
    print(flops.table())
    flops.step_flops(batch_size=32)                # FLOPs of one training step
    timing = time_call(lambda: model(images))      # median of repeats, warm-up apart
    times = time_layers(model, images[:128])       # each layer's seconds, forward and backward
    peak = measure_matmul_throughput()             # the machine's FLOP/s on a matrix product

A layer's cost is counted in multiply-adds (MACs): a `Conv2D` makes
`out_height * out_width * kh * kw * in_channels * filters` of them on one
image, a `Dense` layer `in_features * units`. One multiply-add is two FLOPs,
and a training step (forward and backward) about three forward passes.

What lives where (every public name is importable from here,
`efficiency.count_flops(...)`):

- `flops`: `conv2d_macs` (the formula), `count_macs` (one layer),
  `count_flops` (a model: a `ModelFlops` of `LayerFlops` rows) and
  `TRAINING_FACTOR`;
- `timing`: `time_call` (a `Timing`) and `measure_matmul_throughput` (a
  `Throughput`);
- `training`: `time_fit` (a `FitTiming`: the first step apart from the
  steady ones), `scaled_learning_rate` (the linear and square-root rules)
  and `AugmentedDigits`, an input pipeline with real work;
- `fresh_runs`: what needs a new process, `compare_backends` and
  `run_data_parallel` (a `DataParallelResult`; each run is
  `fit_on_devices`), and `installed_backends`;
- `layer_times`: `time_layers` (a `LayerTimes` of `LayerTime` rows), each
  layer of a Sequential model timed on its own, forward and backward;
- `figures`: `plot_layer_macs`, `plot_layer_times`, `plot_batch_sizes`, `plot_times`;
- `summaries`: the runs as text tables, `batch_size_table`, `fit_timing_table`,
  `backends_table`, `data_parallel_table`.
"""

from course_utils.efficiency.figures import (
    plot_batch_sizes,
    plot_layer_macs,
    plot_layer_times,
    plot_times,
)
from course_utils.efficiency.flops import (
    TRAINING_FACTOR,
    LayerFlops,
    ModelFlops,
    conv2d_macs,
    count_flops,
    count_macs,
)
from course_utils.efficiency.fresh_runs import (
    BACKENDS,
    DataParallelResult,
    compare_backends,
    fit_on_devices,
    installed_backends,
    run_data_parallel,
)
from course_utils.efficiency.layer_times import LayerTime, LayerTimes, time_layers
from course_utils.efficiency.summaries import (
    backends_table,
    batch_size_table,
    data_parallel_table,
    fit_timing_table,
)
from course_utils.efficiency.timing import (
    LIBRARIES,
    Throughput,
    Timing,
    measure_matmul_throughput,
    time_call,
)
from course_utils.efficiency.training import (
    RULES,
    AugmentedDigits,
    FitTiming,
    scaled_learning_rate,
    time_fit,
)

__all__ = [
    "AugmentedDigits",
    "BACKENDS",
    "RULES",
    "backends_table",
    "batch_size_table",
    "data_parallel_table",
    "fit_on_devices",
    "fit_timing_table",
    "scaled_learning_rate",
    "DataParallelResult",
    "FitTiming",
    "compare_backends",
    "installed_backends",
    "LayerTime",
    "LayerTimes",
    "time_layers",
    "plot_batch_sizes",
    "plot_layer_macs",
    "plot_layer_times",
    "plot_times",
    "run_data_parallel",
    "time_fit",
    "LIBRARIES",
    "TRAINING_FACTOR",
    "LayerFlops",
    "ModelFlops",
    "Throughput",
    "Timing",
    "conv2d_macs",
    "count_flops",
    "count_macs",
    "measure_matmul_throughput",
    "time_call",
]
