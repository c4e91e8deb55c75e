"""The GitHub Actions workflow instructors copy: valid YAML that runs what the README says."""

import pathlib

import yaml

WORKFLOW = pathlib.Path(__file__).parents[1] / ".github" / "workflows" / "course.yml"


def _workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def test_workflow_runs_on_push_and_pull_request():
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "push" in triggers and "pull_request" in triggers


def test_workflow_runs_make_test_on_python_3_11_with_a_pip_cache():
    (job,) = _workflow()["jobs"].values()
    steps = job["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any(run.strip().split()[:2] == ["make", "test"] for run in runs)
    python = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert str(python["with"]["python-version"]) == "3.11"
    assert python["with"]["cache"] == "pip"
    assert "requirements.txt" in python["with"]["cache-dependency-path"]


def test_workflow_covers_the_backends_and_keeps_a_fast_run():
    (job,) = _workflow()["jobs"].values()
    assert job["strategy"]["matrix"]["backend"] == ["tensorflow", "jax", "torch"]
    assert job["env"]["KERAS_BACKEND"] == "${{ matrix.backend }}"
    runs = [step.get("run", "") for step in job["steps"]]
    assert any("COURSE_PROFILE=fast make run" in run for run in runs)
    upload = next(
        s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
    )
    assert "build/html/" in upload["with"]["path"] and "build/notebooks/" in upload["with"]["path"]
