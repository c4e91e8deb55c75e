"""Notebook 10 without JAX (a plain `pip install`): its data-parallel section says so in one
line and the notebook goes on; the self-check skips what that section would have measured."""

import pathlib
import types

import nbformat
import pytest

NOTEBOOK = pathlib.Path(__file__).parents[2] / "notebooks" / "10_training_faster.ipynb"


def code_cell(containing):
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    (source,) = [c.source for c in cells if c.cell_type == "code" and containing in c.source]
    return source


def refuse(*args, **kwargs):
    raise AssertionError("the data-parallel run was started without JAX")


@pytest.mark.parametrize("backend_name", ["tensorflow", "torch"])
def test_without_jax_the_section_prints_one_line_and_the_self_check_passes(backend_name, capsys):
    efficiency = types.SimpleNamespace(
        installed_backends=lambda: ("tensorflow", "torch"),
        run_data_parallel=refuse,
        data_parallel_table=refuse,
    )
    namespace = {"efficiency": efficiency, "PROFILE": None, "report": None}
    exec(code_cell("efficiency.run_data_parallel("), namespace)
    printed = capsys.readouterr().out
    assert namespace["parallel"] is None
    assert printed.count("\n") == 1 and "needs JAX" in printed and "pip install jax" in printed
    timing = types.SimpleNamespace
    namespace.update(
        backend=types.SimpleNamespace(name=lambda: backend_name),
        eager=timing(median_step=0.2),
        default=timing(median_step=0.01),
    )
    exec(code_cell("parallel is not None"), namespace)  # the self-check: no error
