"""course_utils.efficiency.timing: warm-up apart, the median of repeats, finished work."""

import time

import keras
import pytest

from course_utils import backend, efficiency


class FakeClock:
    """A clock that only moves when a call or a wait moves it."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def test_warmup_is_reported_apart_from_the_repeats():
    clock = FakeClock()
    durations = iter([3.0, 0.5, 0.25, 0.75, 0.5, 2.0])  # compilation first, then the work

    def work():
        clock.advance(next(durations))

    timing = efficiency.time_call(work, warmup=1, repeats=5, clock=clock)
    assert timing.first == 3.0
    assert timing.warmups == (3.0,)
    assert timing.times == (0.5, 0.25, 0.75, 0.5, 2.0)
    assert timing.median == 0.5
    assert timing.min == 0.25


def test_several_warmups_and_an_even_number_of_repeats():
    clock = FakeClock()
    durations = iter([4.0, 1.0, 0.25, 0.5, 1.0, 0.75])

    timing = efficiency.time_call(
        lambda: clock.advance(next(durations)), warmup=2, repeats=4, clock=clock
    )
    assert timing.warmups == (4.0, 1.0) and timing.first == 4.0
    assert timing.times == (0.25, 0.5, 1.0, 0.75)
    assert timing.median == 0.625  # the mean of the two middle times
    assert timing.min == 0.25


def test_no_warmup_has_no_first_call():
    clock = FakeClock()
    timing = efficiency.time_call(lambda: clock.advance(1.0), warmup=0, repeats=2, clock=clock)
    assert timing.first is None and timing.warmups == ()
    assert timing.times == (1.0, 1.0)
    assert "first call" not in str(timing)


def test_fn_is_called_warmup_plus_repeats_times():
    calls = []
    efficiency.time_call(lambda: calls.append(1), warmup=2, repeats=3)
    assert len(calls) == 5


def test_a_sleep_of_10_ms_is_measured_as_10_ms():
    timing = efficiency.time_call(lambda: time.sleep(0.01), warmup=1, repeats=5)
    assert len(timing.times) == 5 and len(timing.warmups) == 1
    assert 0.0095 <= timing.min <= timing.median < 0.05  # a busy machine may oversleep a little
    assert all(t >= 0.0095 for t in timing.times)


def test_a_slow_first_call_does_not_move_the_median():
    calls = []

    def compiled_on_first_call():
        time.sleep(0.2 if not calls else 0.005)
        calls.append(1)

    timing = efficiency.time_call(compiled_on_first_call, warmup=1, repeats=3)
    assert timing.first >= 0.2
    assert timing.median < 0.1


def test_the_clock_stops_after_the_work_is_done(monkeypatch):
    """Each call's result goes to backend.wait_until_done before the clock stops."""
    clock = FakeClock()
    waited = []

    def wait_until_done(result):  # the work behind the result takes 1 s to finish
        clock.advance(1.0)
        waited.append(result)
        return result

    monkeypatch.setattr(backend, "wait_until_done", wait_until_done)
    results = iter([("a", 3), ["b"], {"loss": "c"}])
    timing = efficiency.time_call(lambda: next(results), warmup=1, repeats=2, clock=clock)
    assert timing.times == (1.0, 1.0) and timing.first == 1.0
    assert waited == [("a", 3), ["b"], {"loss": "c"}]


def test_a_keras_result_is_timed():
    x = keras.ops.ones((64, 64))
    timing = efficiency.time_call(lambda: keras.ops.matmul(x, x), warmup=1, repeats=3)
    assert len(timing.times) == 3 and all(t > 0 for t in timing.times)


def test_str_reads_the_median_min_and_first_call():
    clock = FakeClock()
    durations = iter([1.5, 0.002, 0.001, 0.003])
    timing = efficiency.time_call(
        lambda: clock.advance(next(durations)), warmup=1, repeats=3, clock=clock
    )
    assert str(timing) == "median 2.0 ms, min 1.0 ms over 3 calls; first call 1.50 s"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"fn": 3.0}, r"`fn` must be a function of no arguments; received float"),
        ({"fn": None}, r"`fn` must be a function of no arguments; received NoneType"),
        ({"warmup": -1}, r"`warmup` must be an integer of at least 0; received -1"),
        ({"warmup": 1.0}, r"`warmup` must be an integer of at least 0; received 1.0"),
        ({"repeats": 0}, r"`repeats` must be a positive integer; received 0"),
        ({"repeats": 2.5}, r"`repeats` must be a positive integer; received 2.5"),
        ({"repeats": True}, r"`repeats` must be a positive integer; received True"),
        ({"clock": 0.0}, r"`clock` must be a function returning seconds; received float"),
    ],
)
def test_time_call_refuses_bad_arguments(kwargs, match):
    calls = []
    arguments = {"fn": lambda: calls.append(1), **kwargs}
    with pytest.raises(ValueError, match=match):
        efficiency.time_call(**arguments)
    assert calls == []  # nothing ran


@pytest.mark.parametrize("library", efficiency.LIBRARIES)
def test_matmul_throughput_counts_2_n_cubed(library):
    throughput = efficiency.measure_matmul_throughput(size=96, repeats=3, library=library)
    assert throughput.flops == 2 * 96**3
    assert (throughput.size, throughput.library) == (96, library)
    assert len(throughput.timing.times) == 3 and len(throughput.timing.warmups) == 1
    assert throughput.flops_per_second == pytest.approx(throughput.flops / throughput.timing.median)
    assert throughput.flops_per_second > 1e6  # any machine of this century


def test_matmul_throughput_grows_with_work_per_call():
    small = efficiency.measure_matmul_throughput(size=8, repeats=5)
    large = efficiency.measure_matmul_throughput(size=512, repeats=3)
    # a tiny product is dominated by the call itself; a large one reaches the arithmetic
    assert large.flops_per_second > small.flops_per_second


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"size": 0}, r"`size` must be a positive integer; received 0"),
        ({"size": 512.0}, r"`size` must be a positive integer; received 512.0"),
        ({"repeats": 0}, r"`repeats` must be a positive integer; received 0"),
        ({"library": "torch"}, r"`library` must be one of 'numpy', 'keras'; received 'torch'"),
        ({"seed": -1}, r"`seed` must be an integer of at least 0; received -1"),
    ],
)
def test_matmul_throughput_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        efficiency.measure_matmul_throughput(**kwargs)
