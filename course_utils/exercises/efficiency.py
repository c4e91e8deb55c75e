"""Notebook 10's exercises: the multiply-adds of one Conv2D forward pass (10.1) and the
learning rate for a larger batch (10.2)."""

import math

import numpy as np

from course_utils import checks, convolution, efficiency
from course_utils.convolution.arguments import int_pair
from course_utils.exercises.core import Case, register, run_checks

register(
    "conv_flops",
    hint="""
        Each output value of a Conv2D is a sum of kh * kw * in_channels products,
        one multiply-add each (the bias is left out), and there are
        out_height * out_width * filters output values. The output size comes
        from the rule of exercise 1.2, along each axis with its own kernel side
        and stride: (n - k) // s + 1 for "valid", ceil(n / s) = -(-n // s) for
        "same". kernel_size and strides may be an int (the same on both axes)
        or a pair (rows, columns). Count one per multiply-add, not two FLOPs,
        and return an int.
    """,
    solution="""
        def my_conv_flops(input_shape, filters, kernel_size, strides, padding):
            height, width, channels = input_shape
            kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
            sh, sw = (strides, strides) if isinstance(strides, int) else strides
            if padding == "same":
                out_h, out_w = -(-height // sh), -(-width // sw)  # ceil(n / s)
            else:
                out_h, out_w = (height - kh) // sh + 1, (width - kw) // sw + 1
            return out_h * out_w * kh * kw * channels * filters
    """,
)

# (input_shape, filters, kernel_size, strides, padding, what): odd and non-square sizes,
# several channels, strides 1, 2, 3 and (1, 2), both paddings. The strided "valid" cases
# come first: on them every mistake below gives its own number.
_CONV_FLOPS_SETTINGS = [
    ((9, 7, 3), 8, (3, 2), 2, "valid", "a 3x2 kernel with stride 2"),
    ((11, 11, 2), 5, 3, 3, "valid", "stride 3"),
    ((15, 8, 5), 7, (4, 1), (3, 2), "valid", "a 4x1 kernel with strides (3, 2)"),
    ((28, 28, 1), 32, 3, 1, "valid", "the seed CNN's first layer"),
    ((13, 13, 32), 64, 3, 1, "valid", "the seed CNN's second layer"),
    ((5, 5, 64), 64, 3, 1, "valid", "the seed CNN's third layer"),
    ((11, 11, 2), 5, 3, 3, "same", "stride 3, 'same' padding"),
    ((10, 15, 4), 6, (2, 5), (1, 2), "same", "a 2x5 kernel with strides (1, 2), 'same'"),
    ((7, 12, 3), 4, (5, 3), 2, "same", "a 5x3 kernel with stride 2, 'same'"),
    ((28, 28, 1), 32, 3, 2, "same", "stride 2, 'same', on an MNIST image"),
    ((13, 9, 6), 10, (3, 4), (2, 3), "same", "a 3x4 kernel with strides (2, 3), 'same'"),
    ((9, 9, 3), 2, 4, 1, "same", "an even 4x4 kernel, 'same'"),
    ((6, 6, 16), 3, 1, 1, "same", "a 1x1 kernel"),
    ((5, 4, 2), 3, (5, 4), 1, "valid", "a kernel as large as the image"),
]

_PADDING_RULE = "'valid' gives (n - k) // s + 1 positions along an axis, 'same' ceil(n / s)"


def _macs(input_shape, filters, kernel_size, strides, padding):
    return efficiency.conv2d_macs(input_shape, filters, kernel_size, strides, padding)


def _conv_flops_mistakes(input_shape, filters, kernel_size, strides, padding):
    """`(wrong value, explanation)` of each known mistake on one case."""
    height, width, channels = input_shape
    kh, kw = int_pair(kernel_size, "kernel_size")
    macs = _macs(input_shape, filters, kernel_size, strides, padding)
    other = "valid" if padding == "same" else "same"
    return [
        (
            height * width * kh * kw * channels * filters,
            "the input size used in place of the output size: the kernel is applied at "
            f"out_height x out_width positions ({_PADDING_RULE}), not at every input pixel",
        ),
        (
            macs // channels,
            "the input channels forgotten: each filter's window spans every input channel, "
            "so one output value takes kh * kw * in_channels multiply-adds",
        ),
        (
            2 * macs,
            "2x the answer (FLOPs instead of multiply-adds): a multiply-add is two FLOPs, but "
            "this exercise counts each multiply-add once",
        ),
        (
            _macs(input_shape, filters, kernel_size, strides, other),
            f"padding ignored: you counted padding={other!r}, this case has "
            f"padding={padding!r} ({_PADDING_RULE})",
        ),
        (
            _macs(input_shape, filters, kernel_size, 1, padding),
            "strides ignored: with a stride s the kernel moves s pixels at a time, so there "
            f"are fewer output positions ({_PADDING_RULE}); a stride may differ per axis",
        ),
    ]


def _conv_flops_cases():
    cases = []
    for input_shape, filters, kernel_size, strides, padding, what in _CONV_FLOPS_SETTINGS:
        args = (input_shape, filters, kernel_size, strides, padding)
        out_h, out_w = (
            convolution.output_size(n, k, s, padding)
            for n, k, s in zip(
                input_shape, int_pair(kernel_size, "kernel_size"), int_pair(strides, "strides")
            )
        )
        label = (
            f"input_shape={input_shape}, filters={filters}, kernel_size={kernel_size!r}, "
            f"strides={strides!r}, padding={padding!r} ({what})"
        )
        cases.append(
            Case(
                label,
                args,
                (_macs(*args), _conv_flops_mistakes(*args)),
                hint=f"the output is {out_h} x {out_w} x {filters}.",
            )
        )
    return cases


def _not_a_number(got, expected, kind):
    """Why `got` is not an answer at all (None, an array, a string...), or None if it is a number."""
    if got is None:
        return "your function returned None: did you forget `return`?"
    if not checks.is_number(got):
        shape = getattr(got, "shape", None)
        what = f"a value of type {type(got).__name__}"
        what += f" and shape {tuple(shape)}" if shape else ""
        return f"expected {expected}, got {what}; return {kind}"
    return None


def _compare_count(got, expected):
    """What is wrong with the count `got`, naming the known mistakes it equals, or None."""
    value, mistakes = expected
    wrong_type = _not_a_number(got, f"one whole number ({value:,})", "an int")
    if wrong_type:
        return wrong_type
    number = float(got)
    if not math.isfinite(number) or number != round(number):
        return (
            f"expected a whole number of multiply-adds ({value:,}), got {got!r}: a count has "
            "no fraction; use // for the output size, not /"
        )
    count = int(number)
    if count == value:
        return None
    problem = f"expected {value:,} multiply-adds, got {count:,}"
    named = [explanation for wrong, explanation in mistakes if wrong != value and wrong == count]
    if named:
        return f"{problem}: that is the count with {'; or with '.join(named)}"
    return problem


def check_conv_flops(fn):
    """Checks `fn(input_shape, filters, kernel_size, strides, padding)`: a Conv2D's multiply-adds.

    `fn` returns the multiply-adds of one `Conv2D` forward pass on one image
    of `input_shape = (height, width, channels)`, bias excluded:
    `out_height * out_width * kh * kw * channels * filters`, where
    `kernel_size` and `strides` are an int or a pair and `padding` is
    `"valid"` or `"same"`. A wrong count that one of the usual mistakes gives
    is named: the input size in place of the output size, the input channels
    forgotten, twice the count (FLOPs), the padding or the strides ignored.

    Returns:
        True when `fn` is right on every case, else False (with the reason printed).

    >>> from course_utils import efficiency
    >>> check_conv_flops(efficiency.conv2d_macs)
    ✓ Exercise 10.1 (Conv2D multiply-adds): correct on all 14 cases.
    True
    """
    return run_checks("conv_flops", fn, _conv_flops_cases(), _compare_count)


register(
    "scaled_learning_rate",
    hint="""
        A larger batch averages the gradient over more examples, so the gradient
        is less noisy and the step can be larger. Compute the ratio
        batch_size / base_batch_size (above 1 for a larger batch, below 1 for a
        smaller one; use /, not //) and multiply the base rate by a factor of it:
        the ratio itself for rule="linear" (Goyal et al., 2017, "Accurate, Large
        Minibatch SGD"), its square root, math.sqrt(ratio), for rule="sqrt" (the
        rule often used with Adam). Keep rule="linear" as the default and return
        a float.
    """,
    solution="""
        import math

        def my_scaled_learning_rate(base_learning_rate, base_batch_size, batch_size, rule="linear"):
            ratio = batch_size / base_batch_size
            if rule == "linear":
                return base_learning_rate * ratio
            if rule == "sqrt":
                return base_learning_rate * math.sqrt(ratio)
            raise ValueError(f"`rule` must be 'linear' or 'sqrt'; received {rule!r}.")
    """,
)

# (base_learning_rate, base_batch_size, batch_size, rule, what): larger, smaller and equal
# batches, odd sizes, three base rates, both rules, and `rule` not passed (None). The odd
# sizes come first for each rule and for the default: there every mistake gives its own number.
_SCALED_LEARNING_RATE_SETTINGS = [
    (3e-4, 48, 100, "linear", "odd sizes"),
    (1e-3, 32, 1024, "linear", "a batch 32 times larger"),
    (0.1, 256, 16, "linear", "a batch 16 times smaller"),
    (1e-3, 64, 64, "linear", "the base batch itself"),
    (0.1, 100, 48, "linear", "odd sizes, a smaller batch"),
    (3e-4, 128, 512, "linear", "a batch 4 times larger"),
    (3e-4, 48, 100, "sqrt", "odd sizes"),
    (1e-3, 32, 1024, "sqrt", "a batch 32 times larger"),
    (0.1, 256, 16, "sqrt", "a batch 16 times smaller"),
    (3e-4, 64, 64, "sqrt", "the base batch itself"),
    (0.1, 100, 48, "sqrt", "odd sizes, a smaller batch"),
    (1e-3, 256, 4096, "sqrt", "Adam at a batch 16 times larger"),
    (3e-4, 48, 100, None, "rule not passed: the default, 'linear'; odd sizes"),
    (0.1, 256, 1024, None, "rule not passed: the default, 'linear'"),
]

# Relative tolerance of the comparison: float64 arithmetic done in any order is well within it.
_RATE_RTOL = 1e-9


def _rate(base_learning_rate, base_batch_size, batch_size, rule):
    return efficiency.scaled_learning_rate(base_learning_rate, base_batch_size, batch_size, rule)


def _scaled_learning_rate_mistakes(base_learning_rate, base_batch_size, batch_size, rule):
    """`(wrong value, explanation)` of each known mistake on one case (`rule` None: not passed)."""
    lr, ratio = base_learning_rate, batch_size / base_batch_size
    sqrt = rule == "sqrt"
    scale = math.sqrt if sqrt else float
    of = "sqrt({})" if sqrt else "{}"
    factor = of.format("batch_size / base_batch_size")
    if rule == "linear":
        rule_mistake = (
            lr * math.sqrt(ratio),
            "the rules swapped: you scaled by sqrt(batch_size / base_batch_size), the 'sqrt' "
            "rule, for rule='linear', which multiplies by the ratio itself",
        )
    elif sqrt:
        rule_mistake = (
            lr * ratio,
            "the rules swapped: you scaled by batch_size / base_batch_size, the 'linear' rule, "
            "for rule='sqrt', which multiplies by its square root",
        )
    else:
        rule_mistake = (
            lr * math.sqrt(ratio),
            "the wrong default rule: called without `rule`, your function used the square "
            "root; the default is rule='linear'",
        )
    mistakes = [
        (
            lr * scale(base_batch_size / batch_size),
            f"the ratio inverted: you multiplied by {of.format('base_batch_size / batch_size')}; "
            "a larger batch takes a larger rate, so the ratio is batch_size / base_batch_size",
        ),
        rule_mistake,
        (
            lr * scale(batch_size),
            f"the base batch size ignored: you multiplied by {of.format('batch_size')}, not by "
            f"{factor}",
        ),
        (
            lr,
            f"the base rate returned unchanged: it must be multiplied by {factor}",
        ),
        (
            lr + scale(ratio),
            f"the ratio added instead of multiplied: the rate is base_learning_rate * {factor}, "
            "not base_learning_rate + ...",
        ),
        (
            lr * scale(batch_size // base_batch_size),
            "integer division: batch_size // base_batch_size drops the fraction (and is 0 for a "
            "smaller batch); use /",
        ),
    ]
    if sqrt:
        mistakes.insert(
            2,
            (
                lr * ratio**2,
                "the ratio squared instead of its square root: rule='sqrt' multiplies by "
                "(batch_size / base_batch_size) ** 0.5, not ** 2",
            ),
        )
    return mistakes


def _scaled_learning_rate_cases():
    cases = []
    for lr, base_batch_size, batch_size, rule, what in _SCALED_LEARNING_RATE_SETTINGS:
        args = (lr, base_batch_size, batch_size)
        kwargs = {} if rule is None else {"rule": rule}
        ratio = batch_size / base_batch_size
        if rule == "sqrt":
            factor = f"rule='sqrt' multiplies the rate by its square root, {math.sqrt(ratio):.6g}"
        elif rule == "linear":
            factor = "rule='linear' multiplies the rate by it"
        else:
            factor = "the default rule, 'linear', multiplies the rate by it"
        label = (
            f"base_learning_rate={lr!r}, base_batch_size={base_batch_size}, "
            f"batch_size={batch_size}" + ("" if rule is None else f", rule={rule!r}") + f" ({what})"
        )
        cases.append(
            Case(
                label,
                args,
                (_rate(*args, rule or "linear"), _scaled_learning_rate_mistakes(*args, rule)),
                kwargs=kwargs,
                hint=f"batch_size / base_batch_size = {ratio:.6g}, and {factor}.",
            )
        )
    return cases


def _close(a, b, rtol):
    return math.isclose(a, b, rel_tol=rtol, abs_tol=0.0)


def _compare_rate(got, expected):
    """What is wrong with the learning rate `got`, naming the known mistakes it equals, or None.

    A NumPy float of lower precision (float32) is compared within a few of its own epsilons.
    """
    value, mistakes = expected
    wrong_type = _not_a_number(got, f"one number ({value:.6g})", "a float")
    if wrong_type:
        return wrong_type
    rate = float(got)
    if not math.isfinite(rate):
        return f"expected a finite learning rate ({value:.6g}), got {rate}; return a number"
    rtol = _RATE_RTOL
    if isinstance(got, np.floating):
        rtol = max(rtol, 4 * float(np.finfo(got.dtype).eps))
    if _close(rate, value, rtol):
        return None
    digits = 6 if f"{rate:.6g}" != f"{value:.6g}" else 15
    problem = f"expected {value:.{digits}g}, got {rate:.{digits}g}"
    named = [
        explanation
        for wrong, explanation in mistakes
        if not _close(wrong, value, rtol) and _close(wrong, rate, rtol)
    ]
    if named:
        return f"{problem}: that is what you get with {'; or with '.join(named)}"
    if rate <= 0:
        return f"{problem}: a learning rate is positive, and scaling it keeps it positive"
    return problem


def check_scaled_learning_rate(fn):
    """Checks `fn(base_learning_rate, base_batch_size, batch_size, rule="linear")`.

    `fn` returns the learning rate to use with `batch_size` when
    `base_learning_rate` worked with `base_batch_size`: the base rate times
    `batch_size / base_batch_size` for `rule="linear"` (Goyal et al., 2017),
    times its square root for `rule="sqrt"`; `rule` defaults to `"linear"`.
    Rates are compared to a relative 1e-9. A wrong rate that one of the usual
    mistakes gives is named: the ratio inverted, the rules swapped, the ratio
    squared instead of its square root, the base batch size ignored, the base
    rate returned unchanged, the ratio added instead of multiplied, integer
    division, the wrong default rule.

    Returns:
        True when `fn` is right on every case, else False (with the reason printed).

    >>> import math
    >>> def scaled(base_learning_rate, base_batch_size, batch_size, rule="linear"):
    ...     ratio = batch_size / base_batch_size
    ...     return base_learning_rate * (math.sqrt(ratio) if rule == "sqrt" else ratio)
    >>> check_scaled_learning_rate(scaled)
    ✓ Exercise 10.2 (learning rate for a larger batch): correct on all 14 cases.
    True
    """
    return run_checks("scaled_learning_rate", fn, _scaled_learning_rate_cases(), _compare_rate)
