"""Notebook 10's checkers: check_conv_flops and check_scaled_learning_rate accept right answers
and name the usual mistakes."""

import math

import keras
import numpy as np
import pytest

from course_utils import curriculum, efficiency, exercises
from course_utils.exercises import core

TITLE = curriculum.exercise_title("conv_flops")
RATE_TITLE = curriculum.exercise_title("scaled_learning_rate")


def pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def size(n, k, s, padding):
    return -(-n // s) if padding == "same" else (n - k) // s + 1


def reference(input_shape, filters, kernel_size, strides, padding):
    """Written out here, independently of the course's conv2d_macs."""
    (height, width, channels), (kh, kw), (sh, sw) = input_shape, pair(kernel_size), pair(strides)
    out_h, out_w = size(height, kh, sh, padding), size(width, kw, sw, padding)
    return out_h * out_w * kh * kw * channels * filters


def with_mistake(mistake):
    """The reference with one mistake made, for the wrong answers below."""

    def count(input_shape, filters, kernel_size, strides, padding):
        (height, width, channels), (kh, kw) = input_shape, pair(kernel_size)
        sh, sw = (1, 1) if mistake == "strides" else pair(strides)
        if mistake == "same as valid":
            padding = "valid"
        if mistake == "valid as same":
            padding = "same"
        out_h, out_w = size(height, kh, sh, padding), size(width, kw, sw, padding)
        if mistake == "input size":
            out_h, out_w = height, width
        if mistake == "channels":
            channels = 1
        macs = out_h * out_w * kh * kw * channels * filters
        return 2 * macs if mistake == "flops" else macs

    return count


def by_keras(input_shape, filters, kernel_size, strides, padding):
    layer = keras.layers.Conv2D(filters, kernel_size, strides=strides, padding=padding)
    return efficiency.count_macs(layer, input_shape=input_shape)


RIGHT = {
    "written out": reference,
    "the course's conv2d_macs": efficiency.conv2d_macs,
    "a Keras layer counted": by_keras,
    "a whole float": lambda *args: float(reference(*args)),
    "a NumPy integer": lambda *args: np.int64(reference(*args)),
    "np.prod of the factors": lambda shape, f, k, s, p: np.prod(
        [size(shape[0], pair(k)[0], pair(s)[0], p), size(shape[1], pair(k)[1], pair(s)[1], p)]
        + [*pair(k), shape[2], f]
    ),
}

# Each known mistake, the words its message must contain.
NAMED_MISTAKES = {
    "input size": "the input size used in place of the output size",
    "channels": "the input channels forgotten",
    "flops": "2x the answer (FLOPs instead of multiply-adds)",
    "same as valid": "padding ignored: you counted padding='valid'",
    "valid as same": "padding ignored: you counted padding='same'",
    "strides": "strides ignored",
}

WRONG = {
    **{f"mistake: {name}": with_mistake(name) for name in NAMED_MISTAKES},
    "no + 1 in the output size": lambda shape, f, k, s, p: (
        reference(shape, f, k, s, p) if p == "same" else (shape[0] - pair(k)[0]) // pair(s)[0]
    ),
    "the kernel taken as square": lambda shape, f, k, s, p: (
        reference(shape, f, k, s, p) // pair(k)[1] * pair(k)[0]
    ),
    "the bias counted": lambda shape, f, k, s, p: (
        reference(shape, f, k, s, p) + reference(shape, f, k, s, p) // (pair(k)[0] * pair(k)[1])
    ),
    "an int kernel_size only": lambda shape, f, k, s, p: (
        size(shape[0], k, s, p) ** 2 * k * k * shape[2] * f
    ),
    "the output size with /": lambda shape, f, k, s, p: (
        ((shape[0] - pair(k)[0]) / pair(s)[0] + 1)
        * ((shape[1] - pair(k)[1]) / pair(s)[1] + 1)
        * pair(k)[0]
        * pair(k)[1]
        * shape[2]
        * f
    ),
    "half a count": lambda *args: reference(*args) + 0.5,
    "returns nothing": lambda *args: None,
    "returns a string": lambda *args: f"{reference(*args):,}",
    "returns an array": lambda *args: np.array([reference(*args)]),
    "returns a list": lambda *args: [reference(*args)],
    "returns a bool": lambda *args: True,
    "returns infinity": lambda *args: float("inf"),
    "raises": lambda *args: 1 // 0,
}


def test_accepts_the_reference(capsys):
    assert exercises.check_conv_flops(reference) is True
    assert capsys.readouterr().out.startswith(f"✓ {TITLE}: correct on all 14 cases.")


@pytest.mark.parametrize("name", RIGHT)
def test_accepts_other_right_answers(name):
    assert exercises.check_conv_flops(RIGHT[name]) is True


def test_accepts_the_solution_it_prints(capsys):
    exercises.solution("conv_flops")
    code = capsys.readouterr().out.split("\n\n", 1)[1]
    namespace = {}
    exec(code, namespace)
    assert exercises.check_conv_flops(namespace["my_conv_flops"]) is True


@pytest.mark.parametrize("name", WRONG)
def test_rejects_wrong_answers(name, capsys):
    assert exercises.check_conv_flops(WRONG[name]) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {TITLE}: on input_shape=")
    assert "exercises.hint('conv_flops')" in out


@pytest.mark.parametrize("name", NAMED_MISTAKES)
def test_names_the_mistake(name, capsys):
    assert exercises.check_conv_flops(with_mistake(name)) is False
    assert NAMED_MISTAKES[name] in capsys.readouterr().out


@pytest.mark.parametrize("name", ["input size", "channels", "flops", "valid as same", "strides"])
def test_names_only_that_mistake_on_the_first_case(name, capsys):
    # The first case (stride 2, 'valid', 3 channels) tells every mistake apart.
    assert exercises.check_conv_flops(with_mistake(name)) is False
    out = capsys.readouterr().out
    assert "on input_shape=(9, 7, 3)" in out
    others = [words for other, words in NAMED_MISTAKES.items() if other != name]
    assert NAMED_MISTAKES[name] in out and not any(words in out for words in others)


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda *args: None, "returned None"),
        (lambda *args: "1,728", "expected one whole number (1,728), got a value of type str"),
        (lambda *args: np.zeros(3), "got a value of type ndarray and shape (3,)"),
        (lambda *args: 1728.5, "expected a whole number of multiply-adds (1,728), got 1728.5"),
        (lambda *args: True, "got a value of type bool"),
    ],
)
def test_says_why_an_answer_is_not_a_count(answer, words, capsys):
    assert exercises.check_conv_flops(answer) is False
    assert words in capsys.readouterr().out


def test_reports_an_error_without_raising(capsys):
    assert exercises.check_conv_flops(WRONG["raises"]) is False
    assert "your function raised ZeroDivisionError" in capsys.readouterr().out
    assert exercises.check_conv_flops(WRONG["an int kernel_size only"]) is False
    assert "your function raised TypeError" in capsys.readouterr().out


def test_reports_a_stub_as_not_attempted(capsys):
    def stub(input_shape, filters, kernel_size, strides, padding):
        raise NotImplementedError

    assert exercises.check_conv_flops(stub) is False
    assert "not attempted" in capsys.readouterr().out


def test_rejects_something_that_is_not_a_function(capsys):
    assert exercises.check_conv_flops(1728) is False
    assert "expected a function" in capsys.readouterr().out


def test_hint_and_solution_are_registered(capsys):
    assert "conv_flops" in core._REGISTRY
    assert curriculum.exercise_number("conv_flops").startswith("10.")
    exercises.hint("conv_flops")
    out = capsys.readouterr().out
    assert out.startswith(f"Hint for {TITLE}:\n") and "kh * kw * in_channels" in out
    exercises.solution("conv_flops")
    assert "def my_conv_flops(input_shape, filters, kernel_size, strides, padding):" in (
        capsys.readouterr().out
    )
    assert "check_conv_flops" in exercises.__all__


def cases():
    from course_utils.exercises.efficiency import _conv_flops_cases

    return _conv_flops_cases()


def test_the_cases_are_thorough():
    settings = [case.args for case in cases()]
    assert {padding for *_, padding in settings} == {"valid", "same"}
    strides = {pair(s) for _, _, _, s, _ in settings}
    assert {(1, 1), (2, 2), (3, 3), (1, 2)} <= strides
    assert any(pair(k)[0] != pair(k)[1] for _, _, k, _, _ in settings)  # non-square kernels
    assert any(shape[0] != shape[1] for shape, *_ in settings)  # non-square inputs
    assert any(shape[0] % 2 for shape, *_ in settings)  # odd sizes
    assert sum(shape[2] > 1 for shape, *_ in settings) >= 10  # several channels


def test_the_expected_counts_are_the_reference():
    for case in cases():
        assert case.expected[0] == reference(*case.args), case.label


def test_each_mistake_is_wrong_somewhere_and_told_apart_somewhere():
    """Every mistake changes the count on some case, and on some case no other mistake gives
    the same number; on at least three cases all five mistakes give five different numbers."""
    distinct = 0
    alone = set()
    for case in cases():
        value, mistakes = case.expected
        wrong = [number for number, _ in mistakes]
        if len(set(wrong + [value])) == len(wrong) + 1:
            distinct += 1
        for index, number in enumerate(wrong):
            if number != value and wrong.count(number) == 1:
                alone.add(index)
    assert distinct >= 3
    assert alone == set(range(5))


def test_wrong_values_of_the_mistakes_are_those_of_the_wrong_answers():
    names = ["input size", "channels", "flops", None, "strides"]
    for case in cases():
        padding = case.args[4]
        wrong = [number for number, _ in case.expected[1]]
        for index, name in enumerate(names):
            name = name or ("same as valid" if padding == "same" else "valid as same")
            assert wrong[index] == with_mistake(name)(*case.args), (case.label, name)


# check_scaled_learning_rate


def rate_reference(base_learning_rate, base_batch_size, batch_size, rule="linear"):
    """Written out here, independently of the checker's reference."""
    power = {"linear": 1.0, "sqrt": 0.5}[rule]
    return base_learning_rate * (batch_size / base_batch_size) ** power


def rate_with_mistake(mistake):
    """The reference with one mistake made, for the wrong answers below."""

    def rate(base_learning_rate, base_batch_size, batch_size, rule="linear"):
        ratio = batch_size / base_batch_size
        if mistake == "inverted":
            ratio = base_batch_size / batch_size
        if mistake == "base batch ignored":
            ratio = batch_size
        if mistake == "integer division":
            ratio = batch_size // base_batch_size
        power = 1.0 if rule == "linear" else 0.5
        if mistake == "sqrt for linear" or (mistake == "default sqrt" and rule is None):
            power = 0.5
        if mistake == "linear for sqrt" and rule == "sqrt":
            power = 1.0
        if mistake == "squared" and rule == "sqrt":
            power = 2.0
        factor = ratio**power
        if mistake == "unchanged":
            return base_learning_rate
        if mistake == "added":
            return base_learning_rate + factor
        return base_learning_rate * factor

    if mistake == "default sqrt":
        return lambda lr, b0, b, rule=None: rate(lr, b0, b, rule)
    return rate


RATE_RIGHT = {
    "written out": rate_reference,
    "multiplied before dividing": lambda lr, b0, b, rule="linear": (
        lr * b / b0 if rule == "linear" else lr * math.sqrt(b) / math.sqrt(b0)
    ),
    "np.sqrt, a NumPy float": lambda lr, b0, b, rule="linear": (
        lr * (b / b0 if rule == "linear" else np.sqrt(b / b0))
    ),
    "a float32": lambda *args, **kwargs: np.float32(rate_reference(*args, **kwargs)),
    "an unknown rule raises": lambda lr, b0, b, rule="linear": (
        lr * {"linear": b / b0, "sqrt": math.sqrt(b / b0)}[rule]
    ),
}

# Each known mistake, the words its message must contain.
RATE_NAMED_MISTAKES = {
    "inverted": "the ratio inverted",
    "sqrt for linear": (
        "the rules swapped: you scaled by sqrt(batch_size / base_batch_size), the 'sqrt' rule, "
        "for rule='linear'"
    ),
    "linear for sqrt": (
        "the rules swapped: you scaled by batch_size / base_batch_size, the 'linear' rule, "
        "for rule='sqrt'"
    ),
    "squared": "the ratio squared instead of its square root",
    "base batch ignored": "the base batch size ignored",
    "unchanged": "the base rate returned unchanged",
    "added": "the ratio added instead of multiplied",
    "integer division": "integer division",
    "default sqrt": "the wrong default rule: called without `rule`, your function used the square",
}

RATE_WRONG = {
    **{f"mistake: {name}": rate_with_mistake(name) for name in RATE_NAMED_MISTAKES},
    "the rule ignored (always linear)": lambda lr, b0, b, rule="linear": lr * b / b0,
    "the base rate forgotten": lambda lr, b0, b, rule="linear": rate_reference(1.0, b0, b, rule),
    "a log instead of a ratio": lambda lr, b0, b, rule="linear": lr * math.log(b / b0),
    "a relative error of 1e-8": lambda *args, **kwargs: (
        rate_reference(*args, **kwargs) * (1 + 1e-8)
    ),
    "no default for rule": lambda lr, b0, b, rule: rate_reference(lr, b0, b, rule),
    "negative": lambda *args, **kwargs: -rate_reference(*args, **kwargs),
    "returns nothing": lambda *args, **kwargs: None,
    "returns a string": lambda *args, **kwargs: f"{rate_reference(*args, **kwargs):g}",
    "returns an array": lambda *args, **kwargs: np.array([rate_reference(*args, **kwargs)]),
    "returns a list": lambda *args, **kwargs: [rate_reference(*args, **kwargs)],
    "returns a bool": lambda *args, **kwargs: True,
    "returns infinity": lambda *args, **kwargs: float("inf"),
    "returns nan": lambda *args, **kwargs: float("nan"),
    "raises": lambda *args, **kwargs: 1 / 0,
}


def test_rate_accepts_the_reference(capsys):
    assert exercises.check_scaled_learning_rate(rate_reference) is True
    assert capsys.readouterr().out.startswith(f"✓ {RATE_TITLE}: correct on all 14 cases.")


@pytest.mark.parametrize("name", RATE_RIGHT)
def test_rate_accepts_other_right_answers(name):
    assert exercises.check_scaled_learning_rate(RATE_RIGHT[name]) is True


def test_rate_accepts_the_solution_it_prints(capsys):
    exercises.solution("scaled_learning_rate")
    code = capsys.readouterr().out.split("\n\n", 1)[1]
    namespace = {}
    exec(code, namespace)
    solution = namespace["my_scaled_learning_rate"]
    assert exercises.check_scaled_learning_rate(solution) is True
    with pytest.raises(ValueError, match="`rule` must be 'linear' or 'sqrt'"):
        solution(0.1, 32, 64, rule="cubic")


@pytest.mark.parametrize("name", RATE_WRONG)
def test_rate_rejects_wrong_answers(name, capsys):
    assert exercises.check_scaled_learning_rate(RATE_WRONG[name]) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {RATE_TITLE}: on base_learning_rate=")
    assert "exercises.hint('scaled_learning_rate')" in out


@pytest.mark.parametrize("name", RATE_NAMED_MISTAKES)
def test_rate_names_the_mistake(name, capsys):
    assert exercises.check_scaled_learning_rate(rate_with_mistake(name)) is False
    assert RATE_NAMED_MISTAKES[name] in capsys.readouterr().out


@pytest.mark.parametrize(
    "name, where",
    [
        ("inverted", "base_batch_size=48, batch_size=100, rule='linear'"),
        ("sqrt for linear", "base_batch_size=48, batch_size=100, rule='linear'"),
        ("base batch ignored", "base_batch_size=48, batch_size=100, rule='linear'"),
        ("unchanged", "base_batch_size=48, batch_size=100, rule='linear'"),
        ("added", "base_batch_size=48, batch_size=100, rule='linear'"),
        ("integer division", "base_batch_size=48, batch_size=100, rule='linear'"),
        ("linear for sqrt", "base_batch_size=48, batch_size=100, rule='sqrt'"),
        ("squared", "base_batch_size=48, batch_size=100, rule='sqrt'"),
        ("default sqrt", "base_batch_size=48, batch_size=100 (rule not passed"),
    ],
)
def test_rate_names_only_that_mistake_where_it_first_fails(name, where, capsys):
    # The odd sizes 48 -> 100 come first for each rule and for the default, and tell
    # every mistake apart.
    assert exercises.check_scaled_learning_rate(rate_with_mistake(name)) is False
    out = capsys.readouterr().out
    assert where in out
    others = [words for other, words in RATE_NAMED_MISTAKES.items() if other != name]
    assert RATE_NAMED_MISTAKES[name] in out and not any(words in out for words in others)


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda *args, **kwargs: None, "returned None"),
        (
            lambda *args, **kwargs: "0.000625",
            "expected one number (0.000625), got a value of type str",
        ),
        (lambda *args, **kwargs: np.zeros(3), "got a value of type ndarray and shape (3,)"),
        (lambda *args, **kwargs: [0.000625], "got a value of type list"),
        (lambda *args, **kwargs: True, "got a value of type bool"),
        (
            lambda *args, **kwargs: float("inf"),
            "expected a finite learning rate (0.000625), got inf",
        ),
        (
            lambda *args, **kwargs: float("nan"),
            "expected a finite learning rate (0.000625), got nan",
        ),
        (
            lambda *args, **kwargs: -0.000625,
            "expected 0.000625, got -0.000625: a learning rate is positive",
        ),
        (lambda *args, **kwargs: 0.000625 * (1 + 1e-8), "expected 0.000625, got 0.00062500000625"),
    ],
)
def test_rate_says_why_an_answer_is_not_the_rate(answer, words, capsys):
    assert exercises.check_scaled_learning_rate(answer) is False
    assert words in capsys.readouterr().out


def test_rate_reports_an_error_without_raising(capsys):
    assert exercises.check_scaled_learning_rate(RATE_WRONG["raises"]) is False
    assert "your function raised ZeroDivisionError" in capsys.readouterr().out
    assert exercises.check_scaled_learning_rate(RATE_WRONG["no default for rule"]) is False
    out = capsys.readouterr().out
    assert "(rule not passed" in out and "your function raised TypeError" in out


def test_rate_reports_a_stub_as_not_attempted(capsys):
    def stub(base_learning_rate, base_batch_size, batch_size, rule="linear"):
        raise NotImplementedError

    assert exercises.check_scaled_learning_rate(stub) is False
    assert "not attempted" in capsys.readouterr().out


def test_rate_rejects_something_that_is_not_a_function(capsys):
    assert exercises.check_scaled_learning_rate(0.001) is False
    assert "expected a function" in capsys.readouterr().out


def test_rate_hint_and_solution_are_registered(capsys):
    assert "scaled_learning_rate" in core._REGISTRY
    assert curriculum.exercise_number("scaled_learning_rate").startswith("10.")
    exercises.hint("scaled_learning_rate")
    out = capsys.readouterr().out
    assert out.startswith(f"Hint for {RATE_TITLE}:\n") and "batch_size / base_batch_size" in out
    exercises.solution("scaled_learning_rate")
    assert (
        'def my_scaled_learning_rate(base_learning_rate, base_batch_size, batch_size, rule="linear"):'
        in capsys.readouterr().out
    )
    assert "check_scaled_learning_rate" in exercises.__all__


def rate_cases():
    from course_utils.exercises.efficiency import _scaled_learning_rate_cases

    return _scaled_learning_rate_cases()


def rule_of(case):
    return case.kwargs.get("rule")


def test_rate_the_cases_are_thorough():
    cases = rate_cases()
    assert {rule_of(case) for case in cases} == {"linear", "sqrt", None}
    assert all(set(case.kwargs) <= {"rule"} for case in cases)
    for rule in ("linear", "sqrt"):
        sizes = [case.args[1:] for case in cases if rule_of(case) == rule]
        assert any(b > b0 for b0, b in sizes) and any(b < b0 for b0, b in sizes)
        assert any(b == b0 for b0, b in sizes)
        assert {(32, 1024), (256, 16), (64, 64), (48, 100)} <= set(sizes)
    assert {case.args[0] for case in cases} == {1e-3, 0.1, 3e-4}


def test_rate_the_expected_rates_are_the_reference():
    for case in rate_cases():
        expected = rate_reference(*case.args, **case.kwargs)
        assert math.isclose(case.expected[0], expected, rel_tol=1e-12), case.label


def mistake_named(explanation):
    names = [name for name, words in RATE_NAMED_MISTAKES.items() if words in explanation]
    assert len(names) == 1, explanation
    return names[0]


def test_rate_wrong_values_of_the_mistakes_are_those_of_the_wrong_answers():
    for case in rate_cases():
        for wrong, explanation in case.expected[1]:
            name = mistake_named(explanation)
            answer = rate_with_mistake(name)(*case.args, **case.kwargs)
            assert math.isclose(wrong, answer, rel_tol=1e-12), (case.label, name)


def test_rate_each_mistake_is_wrong_somewhere_and_told_apart_somewhere():
    """Every mistake changes the rate on some case, and on some case no other mistake gives
    the same number; on the first case of each rule all the mistakes give different numbers."""
    alone = set()
    for case in rate_cases():
        value, mistakes = case.expected
        wrong = [number for number, _ in mistakes]
        for number, explanation in mistakes:
            same = [w for w in wrong + [value] if math.isclose(w, number, rel_tol=1e-6)]
            if len(same) == 1:
                alone.add(mistake_named(explanation))
    assert alone == set(RATE_NAMED_MISTAKES)
    for rule in ("linear", "sqrt", None):
        value, mistakes = next(case for case in rate_cases() if rule_of(case) == rule).expected
        numbers = [value] + [number for number, _ in mistakes]
        assert all(
            not math.isclose(a, b, rel_tol=1e-6)
            for i, a in enumerate(numbers)
            for b in numbers[i + 1 :]
        ), rule
