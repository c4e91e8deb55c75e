"""course_utils.processes: a function called in a fresh interpreter, its result back."""

import pytest

from course_utils import processes


def test_the_result_comes_back_through_json():
    words = {"text": "one two three", "width": 9, "placeholder": "..."}
    assert processes.run_in_fresh_process("textwrap:shorten", words) == "one..."
    assert processes.run_in_fresh_process("os:getcwd") == __import__("os").getcwd()


def test_the_child_sees_the_environment_it_is_given():
    value = processes.run_in_fresh_process(
        "os:getenv", {"key": "COURSE_TEST_VARIABLE"}, env={"COURSE_TEST_VARIABLE": "seen"}
    )
    assert value == "seen"


def test_a_failing_function_raises_with_what_it_printed():
    with pytest.raises(RuntimeError, match=r"(?s)json:loads failed .*JSONDecodeError"):
        processes.run_in_fresh_process("json:loads", {"s": "{"})


def test_a_result_json_cannot_carry_is_reported():
    with pytest.raises(RuntimeError, match="not JSON serializable"):
        processes.run_in_fresh_process("pathlib:Path", {})


@pytest.mark.parametrize(
    "arguments, pattern",
    [
        (("math",), "must name a function"),
        (("math:",), "must name a function"),
        ((3,), "must name a function"),
        (("textwrap:shorten", [3, 4]), "must be a dict"),
        (("textwrap:shorten", {"x": object()}), "JSON-serializable"),
        (("textwrap:shorten", None, {"A": 1}), "must map variable names to strings"),
        (("textwrap:shorten", None, None, 0), "positive number of seconds"),
    ],
)
def test_bad_arguments_are_explained(arguments, pattern):
    with pytest.raises(ValueError, match=pattern):
        processes.run_in_fresh_process(*arguments)


def test_a_process_past_its_timeout_is_stopped():
    with pytest.raises(RuntimeError, match="timeit:timeit did not finish within 0.5 s"):
        code = {"stmt": "import time; time.sleep(30)", "number": 1}
        processes.run_in_fresh_process("timeit:timeit", code, timeout=0.5)
