"""gan.callbacks: SampleGrid and GameCurves, watching a GAN train."""

import numpy as np
import pytest

from course_utils import config, gan


def test_sample_grid_keeps_fixed_noise_samples_after_each_epoch(real_batch):
    config.set_seed(0)
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 8, 8))
    )
    model.compile()
    grid = gan.SampleGrid(count=5, seed=3)
    model.fit(real_batch(32), batch_size=16, epochs=2, verbose=0, callbacks=[grid])
    assert grid.epochs == [0, 1, 2]
    assert [g.shape for g in grid.grids] == [(5, 28, 28, 1)] * 3
    assert not np.allclose(grid.grids[0], grid.grids[2])
    np.testing.assert_allclose(
        grid.grids[-1], gan.generate(model.ema_generator, noise=grid.noise), atol=1e-5
    )
    model.fit(real_batch(32), batch_size=16, epochs=1, verbose=0, callbacks=[grid])
    assert grid.epochs == [0, 1, 2, 3]
    fig = gan.plot_sample_evolution(grid.grids, grid.epochs)
    assert len(fig.axes) == 4 * 5
    assert fig.axes[0].get_ylabel() == "start" and fig.axes[15].get_ylabel() == "epoch 3"


def test_sample_grid_can_take_grids_at_chosen_steps(real_batch):
    config.set_seed(0)
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 8, 8))
    )
    model.compile()
    grid = gan.SampleGrid(count=3, seed=1, steps=(1, 3, 5))
    model.fit(real_batch(32), batch_size=8, epochs=2, verbose=0, callbacks=[grid])  # 8 steps
    assert grid.labels == ["start", "step 1", "step 3", "step 5", "end, step 8"]
    np.testing.assert_allclose(
        grid.grids[-1], gan.generate(model.ema_generator, noise=grid.noise), atol=1e-5
    )
    fig = gan.plot_sample_evolution(grid.grids, labels=grid.labels)
    assert [fig.axes[3 * row].get_ylabel() for row in range(5)] == grid.labels
    exact = gan.SampleGrid(count=2, steps=(2, 4))
    model.fit(real_batch(32), batch_size=8, epochs=1, verbose=0, callbacks=[exact])
    assert exact.labels == ["start", "step 2", "step 4"]  # the last step already has its grid
    for steps in [(5, 3), (), (0, 2)]:
        with pytest.raises(ValueError, match="steps"):
            gan.SampleGrid(steps=steps)


def test_game_curves_turns_running_means_into_window_means():
    rng = np.random.default_rng(3)
    per_epoch = [rng.normal(1.0, 0.3, size=(23, 4)), rng.normal(2.0, 0.3, size=(23, 4))]
    curves = gan.GameCurves(every=5)
    expected_steps, expected = [], []
    for epoch, values in enumerate(per_epoch):
        curves.on_epoch_begin(epoch)
        for batch in range(len(values)):
            running = values[: batch + 1].mean(axis=0)  # what Keras passes after each batch
            curves.on_train_batch_end(batch, dict(zip(gan.GameCurves.NAMES, running)))
        curves.on_epoch_end(epoch)
        for end in range(5, 24, 5):
            expected_steps.append(epoch * 23 + end)
            expected.append(values[end - 5 : end].mean(axis=0))
    assert curves.steps == expected_steps
    got = np.array([curves.curves[name] for name in gan.GameCurves.NAMES]).T
    np.testing.assert_allclose(got, np.array(expected), atol=1e-9)


def test_game_curves_follow_a_real_fit_and_plot():
    config.set_seed(0)
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 4, 4))
    )
    model.compile()
    real = gan.to_tanh_range(
        np.random.default_rng(0).integers(0, 256, (96, 28, 28), dtype=np.uint8)
    )
    curves = gan.GameCurves(every=2)
    history = model.fit(real, epochs=2, batch_size=16, callbacks=[curves], verbose=0)
    assert curves.steps == [2, 4, 6, 8, 10, 12]
    for name in gan.GameCurves.NAMES:  # the windows average to the epoch's mean
        windows = np.array(curves.curves[name]).reshape(2, 3).mean(axis=1)
        np.testing.assert_allclose(windows, history.history[name], rtol=1e-4)
    fig = gan.plot_game(curves)
    assert [ax.get_title() for ax in fig.axes] == ["the two losses", "what D thinks of each"]
    with pytest.raises(ValueError, match="no recorded windows"):
        gan.plot_game(gan.GameCurves(every=1000))
    with pytest.raises(ValueError, match="positive integer"):
        gan.GameCurves(every=0)


def test_game_curves_can_report_progress(capsys, real_batch):
    config.set_seed(0)
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 4, 4))
    )
    model.compile()
    curves = gan.GameCurves(every=2, report_every=4)
    model.fit(real_batch(48), epochs=2, batch_size=8, callbacks=[curves], verbose=0)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["step 4/12", "step 8/12", "step 12/12"]
    assert f"D(x) {curves.curves['D(x)'][-1]:.3f}" in lines[-1]
    with pytest.raises(ValueError, match="report_every"):
        gan.GameCurves(report_every=0)
